//! Realistic generated identifiers and timestamps for templates.

use std::time::SystemTime;

/// A random RFC 4122 version-4 UUID, lower-case (TryVox `call_uuid`, Vobiz `CallUUID`).
pub(crate) fn uuid_v4() -> String {
    let mut v: u128 = rand::random();
    v = (v & !(0xf << 76)) | (0x4 << 76);
    v = (v & !(0x3 << 62)) | (0x2 << 62);
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// `prefix` + `len` random lower-case hex digits (Twilio-like `CA...` sids).
pub(crate) fn hex_id(prefix: &str, len: usize) -> String {
    let mut s = String::with_capacity(prefix.len() + len);
    s.push_str(prefix);
    while s.len() < prefix.len() + len {
        s.push_str(&format!("{:032x}", rand::random::<u128>()));
    }
    s.truncate(prefix.len() + len);
    s
}

/// `prefix` + `len` random alphanumerics (`call_abc123xyz`-style ids).
pub(crate) fn alnum_id(prefix: &str, len: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut s = String::from(prefix);
    for _ in 0..len {
        let i = rand::random::<u32>() as usize % CHARS.len();
        s.push(char::from(CHARS[i]));
    }
    s
}

/// Now, as RFC 3339 with milliseconds and `Z` (TryVox `timestamp`).
pub(crate) fn now_rfc3339_millis() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// Now, as RFC 3339 seconds with `Z` (VoxPria `timestamp`).
pub(crate) fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// Now as `yyyy-MM-dd HH:mm:ss` (Vobiz `StartTime` style; sent zone-less like Vobiz does).
pub(crate) fn now_plain() -> String {
    now_rfc3339().trim_end_matches('Z').replacen('T', " ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant() {
        for _ in 0..50 {
            let u = uuid_v4();
            let b = u.as_bytes();
            assert_eq!(u.len(), 36, "{u}");
            assert_eq!(b[14], b'4', "{u}");
            assert!(matches!(b[19], b'8' | b'9' | b'a' | b'b'), "{u}");
        }
        assert_ne!(uuid_v4(), uuid_v4());
    }

    #[test]
    fn id_shapes() {
        let cases = [
            ("hex sid", hex_id("CA", 32), 34),
            ("alnum", alnum_id("call_", 12), 17),
        ];
        for (name, id, len) in cases {
            assert_eq!(id.len(), len, "{name}: {id}");
        }
        assert!(hex_id("CA", 32)[2..].bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(now_plain().len() == 19 && !now_plain().contains('T'));
    }
}
