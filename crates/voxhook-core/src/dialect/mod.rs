//! Provider wire formats ("dialects"): one module per provider, content-type dispatch, auto-detection.
