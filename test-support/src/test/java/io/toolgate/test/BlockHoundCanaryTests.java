package io.toolgate.test;

/** Runs the BlockHound canary in this module's test JVM. */
class BlockHoundCanaryTests extends AbstractBlockHoundCanaryTests {

}
