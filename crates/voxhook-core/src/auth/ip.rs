//! IP ranges (CIDR), the trusted-proxy setting, and the IP allow-list check.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;

use super::context::Out;
use super::{AuthError, Scheme, Verification};
use crate::error::ConfigError;
use crate::request::Inbound;

/// An IP range in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`), or one address.
///
/// ```
/// use voxhook_core::auth::IpNet;
///
/// let net: IpNet = "192.0.2.0/24".parse().unwrap();
/// assert!(net.contains("192.0.2.77".parse().unwrap()));
/// assert!(!net.contains("192.0.3.1".parse().unwrap()));
/// assert!("10.0.0.0/33".parse::<IpNet>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Whether `ip` is in this range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for IpNet {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        const WHAT: &str = "IP range";
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| ConfigError::Invalid {
            what: WHAT,
            why: "not an IP address",
        })?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or(ConfigError::Invalid {
                    what: WHAT,
                    why: "prefix length out of range",
                })?,
        };
        Ok(IpNet { addr, prefix })
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Parses a list of ranges.
pub(crate) fn parse_nets<I, S>(ranges: I) -> Result<Arc<[IpNet]>, ConfigError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    ranges.into_iter().map(|r| r.as_ref().parse()).collect()
}

/// The trusted-proxy setting: forwarding headers are read only when the
/// connected peer is one of these proxies.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustedProxies(pub(crate) Arc<[IpNet]>);

impl TrustedProxies {
    pub(crate) fn trusts(&self, peer: Option<IpAddr>) -> bool {
        peer.is_some_and(|p| self.0.iter().any(|n| n.contains(p)))
    }

    /// The client address: the peer, or (behind trusted proxies) the right-most
    /// `X-Forwarded-For` / `Forwarded: for=` address that is not a trusted proxy.
    pub(crate) fn client_ip(&self, req: &Inbound<'_>) -> Option<IpAddr> {
        let peer = req.peer()?;
        if !self.trusts(Some(peer)) {
            return Some(peer);
        }
        let mut chain: Vec<IpAddr> = Vec::new();
        let h = req.headers();
        let mut i = 0;
        while let Some(v) = h.nth("forwarded", i) {
            i += 1;
            let Ok(v) = std::str::from_utf8(v) else {
                continue;
            };
            for element in v.split(',') {
                for pair in element.split(';') {
                    if let Some((k, val)) = pair.trim().split_once('=')
                        && k.eq_ignore_ascii_case("for")
                        && let Some(ip) = parse_forwarded_ip(val)
                    {
                        chain.push(ip);
                    }
                }
            }
        }
        if chain.is_empty() {
            let mut i = 0;
            while let Some(v) = h.nth("x-forwarded-for", i) {
                i += 1;
                let Ok(v) = std::str::from_utf8(v) else {
                    continue;
                };
                chain.extend(v.split(',').filter_map(|s| parse_forwarded_ip(s.trim())));
            }
        }
        Some(
            chain
                .into_iter()
                .rev()
                .find(|ip| !self.trusts(Some(*ip)))
                .unwrap_or(peer),
        )
    }
}

fn parse_forwarded_ip(v: &str) -> Option<IpAddr> {
    let v = v.trim().trim_matches('"');
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    v.parse().ok().or_else(|| {
        // `1.2.3.4:5678`
        v.rsplit_once(':').and_then(|(a, _)| a.parse().ok())
    })
}

/// The IP allow-list check: the client address must be in one of the ranges.
#[derive(Debug, Clone)]
pub struct IpAllowlist {
    ranges: Arc<[IpNet]>,
    pub(crate) proxies: TrustedProxies,
}

impl IpAllowlist {
    /// An allow-list of `ranges`.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] when a range does not parse.
    pub fn new<I, S>(ranges: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ranges = parse_nets(ranges)?;
        if ranges.is_empty() {
            return Err(ConfigError::Missing("IP ranges"));
        }
        Ok(IpAllowlist {
            ranges,
            proxies: TrustedProxies::default(),
        })
    }

    pub(crate) fn check(
        &self,
        req: &Inbound<'_>,
        out: &mut Out,
    ) -> Result<Verification, AuthError> {
        let Some(ip) = self.proxies.client_ip(req) else {
            out.note(Scheme::IpAllowlist, || "the peer address is unknown".into());
            return Err(AuthError::ForbiddenAddress);
        };
        match self.ranges.iter().position(|n| n.contains(ip)) {
            Some(i) => {
                out.note(Scheme::IpAllowlist, || format!("{ip} is in range #{i}"));
                Ok(Verification::new(Scheme::IpAllowlist, i))
            }
            None => {
                out.note(Scheme::IpAllowlist, || {
                    format!("{ip} is in no allowed range")
                });
                Err(AuthError::ForbiddenAddress)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_table() {
        let cases = [
            ("v4 inside", "10.0.0.0/8", "10.200.1.1", true),
            ("v4 outside", "10.0.0.0/8", "11.0.0.1", false),
            ("single", "192.0.2.7", "192.0.2.7", true),
            ("single other", "192.0.2.7", "192.0.2.8", false),
            ("zero prefix", "0.0.0.0/0", "8.8.8.8", true),
            ("v6", "2001:db8::/32", "2001:db8:1::1", true),
            ("v6 outside", "2001:db8::/32", "2001:db9::1", false),
            ("mapped v4 peer", "192.0.2.0/24", "::ffff:192.0.2.1", true),
            ("family mismatch", "::/0", "1.2.3.4", false),
        ];
        for (name, net, ip, want) in cases {
            let net: IpNet = net.parse().unwrap();
            assert_eq!(net.contains(ip.parse().unwrap()), want, "{name}");
        }
        for bad in ["", "10.0.0.0/", "1.2.3.4/40", "::/129", "host/8"] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn client_ip_honours_trusted_proxies_only() {
        let proxies = TrustedProxies(parse_nets(["10.0.0.0/8"]).unwrap());
        let h = [("x-forwarded-for", "203.0.113.9, 10.0.0.2")];
        let via_proxy =
            Inbound::new("POST", "/", &h, b"").with_peer(Some("10.0.0.1".parse().unwrap()));
        assert_eq!(
            proxies.client_ip(&via_proxy),
            Some("203.0.113.9".parse().unwrap())
        );
        let direct =
            Inbound::new("POST", "/", &h, b"").with_peer(Some("198.51.100.1".parse().unwrap()));
        assert_eq!(
            proxies.client_ip(&direct),
            Some("198.51.100.1".parse().unwrap())
        );
        let fwd = [("forwarded", "for=\"[2001:db8::1]:4711\";proto=https")];
        let via = Inbound::new("POST", "/", &fwd, b"").with_peer(Some("10.1.1.1".parse().unwrap()));
        assert_eq!(
            proxies.client_ip(&via),
            Some("2001:db8::1".parse().unwrap())
        );
    }
}
