/**
 * Abstract tests every module runs against its own test JVM, such as the BlockHound
 * canary.
 */
@NullMarked
package io.toolgate.test;

import org.jspecify.annotations.NullMarked;
