/**
 * Tests of the gateway's metrics: the facade's meters, tags and buckets, and the export
 * of every metric the dashboards and alert rules query.
 */
@NullMarked
package io.toolgate.dispatcher.metrics;

import org.jspecify.annotations.NullMarked;
