-- Sign-in throttling (issue 10), replacing login_failures: one row per client
-- address (account = '') and one per account at an address, each counting the
-- password checks in its current window that did not succeed. A sign-in first
-- claims an attempt with one conditional upsert, so concurrent requests can
-- never check more passwords than the limit; not_before holds the growing
-- delay or the lock. Times in Unix ms.
DROP TABLE login_failures;
CREATE TABLE sign_in_throttle (
    account       TEXT NOT NULL,             -- lower-cased e-mail, '' for the address row
    address       TEXT NOT NULL,             -- IPv4, IPv6 /64 network, or 'unknown'
    window_start  BIGINT NOT NULL,
    attempts      BIGINT NOT NULL,
    not_before    BIGINT NOT NULL,
    PRIMARY KEY (account, address)
);
CREATE INDEX sign_in_throttle_address ON sign_in_throttle (address);
