//! Settings of the HTTP server itself (the `[server]` table): how long a
//! client may take to send a request, how many connections one address may
//! hold open, and who may read `/metrics`. With these, `vitrine serve` is safe
//! to face the internet without a reverse proxy in front.

use ipnet::IpNet;
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// Seconds a client has to send a request's headers, by default.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 15;
/// Seconds a request body may pause between two pieces, by default.
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 30;
/// Connections one address may hold open at once, by default.
pub const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS: u32 = 64;
/// Addresses the cap skips and that may read `/metrics`, by default: this
/// machine, where a reverse proxy and a Prometheus agent usually run.
pub const LOOPBACK: [&str; 2] = ["127.0.0.0/8", "::1/128"];

/// Server settings as given by one layer; `None` means "not set here".
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServer {
    /// Seconds to receive a request's headers before the connection is closed.
    pub header_timeout_secs: Option<u64>,
    /// Seconds a request body may pause between two pieces before the request
    /// is refused.
    pub body_timeout_secs: Option<u64>,
    /// Most connections one client address may hold open at once.
    pub max_connections_per_address: Option<u32>,
    /// Addresses or networks (CIDR) the connection cap skips: the reverse
    /// proxy, or a NAT a whole institution shares. An empty list caps all.
    pub connection_cap_exempt: Option<Vec<String>>,
    /// A separate address and port serving only `/metrics`; when set, the
    /// public listener answers 404 for `/metrics`.
    pub metrics_listen: Option<String>,
    /// Addresses or networks (CIDR) that may read `/metrics` on the public
    /// listener when `metrics_listen` is not set.
    pub metrics_allow: Option<Vec<String>>,
}

impl RawServer {
    /// This layer with `over`'s values on top.
    pub fn overlay(self, over: Self) -> Self {
        Self {
            header_timeout_secs: over.header_timeout_secs.or(self.header_timeout_secs),
            body_timeout_secs: over.body_timeout_secs.or(self.body_timeout_secs),
            max_connections_per_address: over
                .max_connections_per_address
                .or(self.max_connections_per_address),
            connection_cap_exempt: over.connection_cap_exempt.or(self.connection_cap_exempt),
            metrics_listen: over.metrics_listen.or(self.metrics_listen),
            metrics_allow: over.metrics_allow.or(self.metrics_allow),
        }
    }
}

/// Validated server settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSettings {
    /// Time to receive a request's headers (also how long an idle kept-alive
    /// connection stays open).
    pub header_timeout: Duration,
    /// Longest pause between two pieces of a request body.
    pub body_timeout: Duration,
    /// Most connections one address may hold open at once.
    pub max_connections_per_address: usize,
    /// Addresses the connection cap skips.
    pub connection_cap_exempt: Vec<IpNet>,
    /// The separate metrics listener, if any.
    pub metrics_listen: Option<SocketAddr>,
    /// Addresses that may read `/metrics` on the public listener.
    pub metrics_allow: Vec<IpNet>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(DEFAULT_BODY_TIMEOUT_SECS),
            max_connections_per_address: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS as usize,
            connection_cap_exempt: loopback(),
            metrics_listen: None,
            metrics_allow: loopback(),
        }
    }
}

impl ServerSettings {
    /// Validates one merged layer; each problem is named by its setting.
    pub fn resolve(raw: RawServer, listen: SocketAddr, problems: &mut Vec<String>) -> Self {
        let defaults = Self::default();
        let metrics_listen = raw.metrics_listen.and_then(|text| {
            match text.parse::<SocketAddr>() {
                Ok(addr) if addr == listen && addr.port() != 0 => problems.push(format!(
                    "server.metrics_listen: \"{text}\" is the public listen address; use \
                     another port, such as 127.0.0.1:9090"
                )),
                Ok(addr) => return Some(addr),
                Err(_) => problems.push(format!(
                    "server.metrics_listen: \"{text}\" is not an address and port such as \
                     127.0.0.1:9090"
                )),
            }
            None
        });
        Self {
            header_timeout: seconds(
                raw.header_timeout_secs,
                "server.header_timeout_secs",
                problems,
            )
            .unwrap_or(defaults.header_timeout),
            body_timeout: seconds(raw.body_timeout_secs, "server.body_timeout_secs", problems)
                .unwrap_or(defaults.body_timeout),
            max_connections_per_address: match raw.max_connections_per_address {
                Some(0) => {
                    problems.push("server.max_connections_per_address: must be at least 1".into());
                    defaults.max_connections_per_address
                }
                Some(n) => n as usize,
                None => defaults.max_connections_per_address,
            },
            connection_cap_exempt: networks(
                raw.connection_cap_exempt,
                "server.connection_cap_exempt",
                problems,
            )
            .unwrap_or(defaults.connection_cap_exempt),
            metrics_listen,
            metrics_allow: networks(raw.metrics_allow, "server.metrics_allow", problems)
                .unwrap_or(defaults.metrics_allow),
        }
    }

    /// Whether connections from `ip` are left out of the per-address cap.
    pub fn exempt_from_cap(&self, ip: IpAddr) -> bool {
        contains(&self.connection_cap_exempt, ip)
    }

    /// Whether a peer at `ip` may read `/metrics` on the public listener.
    pub fn may_read_metrics(&self, ip: IpAddr) -> bool {
        self.metrics_listen.is_none() && contains(&self.metrics_allow, ip)
    }
}

fn contains(networks: &[IpNet], ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    networks.iter().any(|n| n.contains(&ip))
}

fn loopback() -> Vec<IpNet> {
    LOOPBACK.iter().filter_map(|n| n.parse().ok()).collect()
}

fn seconds(value: Option<u64>, name: &str, problems: &mut Vec<String>) -> Option<Duration> {
    match value {
        Some(0) => {
            problems.push(format!("{name}: must be at least 1 second"));
            None
        }
        other => other.map(Duration::from_secs),
    }
}

/// Parses addresses (`192.0.2.7`, `::1`) and networks (`10.0.0.0/8`); empty
/// items are skipped, so an empty value means "none".
fn networks(
    list: Option<Vec<String>>,
    name: &str,
    problems: &mut Vec<String>,
) -> Option<Vec<IpNet>> {
    let mut parsed = Vec::new();
    for item in list?.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match item
            .parse::<IpNet>()
            .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
        {
            Ok(net) => parsed.push(net),
            Err(_) => problems.push(format!(
                "{name}: \"{item}\" is not an address or network such as 10.0.0.0/8 or ::1"
            )),
        }
    }
    Some(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(toml: &str) -> Result<ServerSettings, Vec<String>> {
        #[derive(Deserialize)]
        struct File {
            server: RawServer,
        }
        let raw = toml::from_str::<File>(toml)
            .map_err(|e| vec![e.to_string()])?
            .server;
        let mut problems = Vec::new();
        let settings =
            ServerSettings::resolve(raw, SocketAddr::from(([0, 0, 0, 0], 8080)), &mut problems);
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(problems)
        }
    }

    #[test]
    fn by_default_only_this_machine_reads_metrics_and_skips_the_cap() {
        let s = resolve("[server]").unwrap();
        let public: IpAddr = "203.0.113.9".parse().unwrap();
        assert!(s.may_read_metrics("127.0.0.1".parse().unwrap()));
        assert!(s.may_read_metrics("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!s.may_read_metrics(public));
        assert!(s.exempt_from_cap("::1".parse().unwrap()));
        assert!(!s.exempt_from_cap(public));
    }

    #[test]
    fn networks_and_an_empty_list_are_understood() {
        let s = resolve(
            "[server]\nconnection_cap_exempt = []\nmetrics_allow = [\"10.0.0.0/8\", \"192.0.2.7\"]",
        )
        .unwrap();
        assert!(!s.exempt_from_cap("127.0.0.1".parse().unwrap()));
        assert!(s.may_read_metrics("10.1.2.3".parse().unwrap()));
        assert!(s.may_read_metrics("192.0.2.7".parse().unwrap()));
        assert!(!s.may_read_metrics("127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn a_separate_metrics_listener_closes_metrics_on_the_public_one() {
        let s = resolve("[server]\nmetrics_listen = \"127.0.0.1:9090\"").unwrap();
        assert!(!s.may_read_metrics("127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn every_server_problem_is_named_by_its_setting() {
        let problems = resolve(
            "[server]\nheader_timeout_secs = 0\nbody_timeout_secs = 0\n\
             max_connections_per_address = 0\nconnection_cap_exempt = [\"nowhere\"]\n\
             metrics_listen = \"0.0.0.0:8080\"\nmetrics_allow = [\"10.0.0.0/33\"]",
        )
        .unwrap_err();
        for name in [
            "server.header_timeout_secs:",
            "server.body_timeout_secs:",
            "server.max_connections_per_address:",
            "server.connection_cap_exempt:",
            "server.metrics_listen:",
            "server.metrics_allow:",
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(name)),
                "{name} in {problems:?}"
            );
        }
    }
}
