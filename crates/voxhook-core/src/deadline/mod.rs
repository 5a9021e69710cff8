//! Budgets, fallbacks and tracked background completion of late handlers.
