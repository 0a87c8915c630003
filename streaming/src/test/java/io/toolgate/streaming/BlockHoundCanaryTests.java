package io.toolgate.streaming;

import io.toolgate.test.AbstractBlockHoundCanaryTests;

/** Runs the BlockHound canary in this module's test JVM. */
class BlockHoundCanaryTests extends AbstractBlockHoundCanaryTests {

}
