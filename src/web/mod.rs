//! The public web site: routes, handlers and views, all rendered from Releases.
