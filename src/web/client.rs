//! The address a request comes from, for throttling (sign-in, visitors'
//! reflections).
//!
//! Behind a reverse proxy (nginx, Caddy) every request's TCP peer is the
//! proxy, so counting failures by the peer would let anyone pause sign-in for
//! everyone. The proxy says who its client was in `X-Forwarded-For` (or
//! `Forwarded: for=`), but anyone can send those headers, so they are read
//! only when the peer is one of the configured `trusted_proxies`, and then
//! from the right: the nearest address that is not itself a trusted proxy is
//! the client.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// The client's address: the peer, unless the peer is a trusted proxy and a
/// forwarding header names someone further out. `None` when the server does
/// not know the peer.
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut client = peer;
    for hop in forwarded_chain(headers).iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            // "unknown", an obfuscated name or garbage: nothing further out
            // can be believed, so count the request against the last hop.
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

/// The hops the proxies listed, nearest last: `X-Forwarded-For` when present
/// (every header line, in order), otherwise the `for=` of `Forwarded`.
fn forwarded_chain(headers: &HeaderMap) -> Vec<String> {
    let lines = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|hop| hop.trim().to_owned())
            .collect()
    };
    let forwarded_for = lines("x-forwarded-for");
    if !forwarded_for.is_empty() {
        return forwarded_for;
    }
    lines("forwarded")
        .iter()
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| value.trim().to_owned())
            })
        })
        .collect()
}

/// An address from a hop: `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::7`,
/// `"[2001:db8::7]:4711"`; `None` for anything else.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Some(rest) = hop.strip_prefix('[') {
        return rest
            .split_once(']')?
            .0
            .parse::<IpAddr>()
            .ok()
            .map(|ip| ip.to_canonical());
    }
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    let (host, port) = hop.rsplit_once(':')?;
    port.bytes().all(|b| b.is_ascii_digit()).then_some(())?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_from_an_untrusted_peer_are_ignored() {
        let h = headers(&[("x-forwarded-for", "198.51.100.1")]);
        assert_eq!(
            client_address(Some(ip("203.0.113.5")), &h, &[]),
            Some(ip("203.0.113.5"))
        );
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_address(Some(ip("203.0.113.5")), &h, &trusted),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(client_address(None, &h, &trusted), None);
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let trusted = [
            "127.0.0.1/32".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ];
        let peer = Some(ip("127.0.0.1"));
        // A client's own forged entry is left of what the proxy appended.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.3")]);
        assert_eq!(client_address(peer, &h, &trusted), Some(ip("198.51.100.7")));
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        assert_eq!(client_address(peer, &h, &trusted), Some(ip("198.51.100.7")));
        let h = headers(&[(
            "forwarded",
            "for=1.2.3.4, for=\"[2001:db8::7]:4711\";proto=https",
        )]);
        assert_eq!(client_address(peer, &h, &trusted), Some(ip("2001:db8::7")));
        let h = headers(&[("forwarded", "for=198.51.100.9:8080")]);
        assert_eq!(client_address(peer, &h, &trusted), Some(ip("198.51.100.9")));
        let h = headers(&[("x-forwarded-for", "10.0.0.9, 10.0.0.3")]);
        assert_eq!(
            client_address(peer, &h, &trusted),
            Some(ip("10.0.0.9")),
            "all trusted: the furthest"
        );
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(client_address(peer, &h, &trusted), peer);
        assert_eq!(client_address(peer, &HeaderMap::new(), &trusted), peer);
    }
}
