/**
 * Spend budgets: {@link io.toolgate.dispatcher.spend.Money} (amounts as integer
 * micro-units) and {@link io.toolgate.dispatcher.spend.SpendPlans} (the price table and
 * the budgets of {@code toolgate.spend}, resolved at start-up).
 */
@NullMarked
package io.toolgate.dispatcher.spend;

import org.jspecify.annotations.NullMarked;
