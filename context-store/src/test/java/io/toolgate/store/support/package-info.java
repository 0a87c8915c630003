/**
 * BlockHound settings for tests that drive Lettuce, shared with other modules through the
 * test jar. The generic Redis fixtures of this package live in the test-support module.
 */
@NullMarked
package io.toolgate.store.support;

import org.jspecify.annotations.NullMarked;
