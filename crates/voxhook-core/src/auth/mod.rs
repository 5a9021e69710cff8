//! Authentication of inbound webhooks: bearer, basic, API key and every provider's HMAC scheme.
