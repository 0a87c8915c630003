/** API keys to tenants: the authentication filter and the key resolver. */
@NullMarked
package io.toolgate.dispatcher.auth;

import org.jspecify.annotations.NullMarked;
