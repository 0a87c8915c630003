package io.toolgate.store.redis;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs every test of a class once per {@link RedisFixture.Topology}, injected into the
 * class's {@code @Parameter} field; pair it with a static {@link RedisFixtureExtension}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass
@EnumSource(RedisFixture.Topology.class)
@interface EachRedisTopology {

}
