//! `block_private_addresses`: a request to a host that is, or resolves to, a loopback,
//! private or link-local address is refused, for configs that are not trusted.

use super::FetchError;
use url::Url;

/// Refuses `url` when its host is, or resolves to, an address that is not public. Resolution
/// here and again on connect leaves a window for DNS rebinding; this guards configs, not
/// against an adversarial resolver.
pub(super) fn check_public(url: &Url) -> Result<(), FetchError> {
    use std::net::{IpAddr, ToSocketAddrs};
    let port = url.port_or_known_default().unwrap_or(80);
    let addresses: Vec<IpAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
        Some(url::Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
        Some(url::Host::Domain(name)) => (name, port)
            .to_socket_addrs()
            .map(|addrs| addrs.map(|a| a.ip()).collect())
            .map_err(|err| FetchError::Transport {
                url: url.clone(),
                message: format!("cannot resolve {name}: {err}"),
            })?,
        None => Vec::new(),
    };
    match addresses.into_iter().find(|ip| !is_public(ip)) {
        Some(ip) => Err(FetchError::Private {
            url: url.clone(),
            address: ip.to_string(),
        }),
        None => Ok(()),
    }
}

fn is_public(ip: &std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(&IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_told_apart() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(&ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(is_public(&ip.parse().unwrap()), "{ip}");
        }
        let err = check_public(&Url::parse("http://127.0.0.1:8080/x").unwrap()).unwrap_err();
        assert!(err.to_string().contains("block_private_addresses"), "{err}");
        assert!(check_public(&Url::parse("http://[::1]/x").unwrap()).is_err());
    }
}
