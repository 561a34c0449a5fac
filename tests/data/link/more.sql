-- more.sql - a second dump for tests/cli/link.sh: S11 uses the S1-S3 device, S3 and S5 share
-- an email (merging two networks), S9 and S10 an IP that day and a new landline, S6 S9's email
INSERT INTO sources(source_id, path, sha256, size, kind, ingested_at) VALUES
 (4, 'more/logins.csv', 'd', 1, 'logins', '2026-12-02T00:00:00Z'),
 (5, 'more/sellers.csv', 'e', 1, 'sellers', '2026-12-02T00:00:00Z');
INSERT INTO sellers(seller_id, source_id, line) VALUES ('S11', 5, 2);
INSERT INTO identifiers(holder_kind, holder_id, kind, value, raw, flags, day, field, source_id, line) VALUES
 ('seller', 'S11', 'device', 'a1b2c3', 'A1-B2-C3', NULL, NULL, 'device_id', 4, 2),
 ('seller', 'S3', 'email', 'z@example.com', 'Z@example.com', NULL, NULL, 'email', 5, 3),
 ('seller', 'S5', 'email', 'z@example.com', 'z+shop@example.com', NULL, NULL, 'email', 5, 4),
 ('seller', 'S9', 'ip', '198.51.100.9', '198.51.100.9', NULL, '2026-01-05', 'ip', 4, 3),
 ('seller', 'S10', 'ip', '198.51.100.9', '198.51.100.9', NULL, '2026-01-05', 'ip', 4, 4),
 ('seller', 'S9', 'phone', '+867550001', '0755 0001', 'landline', NULL, 'phone', 5, 5),
 ('seller', 'S10', 'phone', '+867550001', '0755-0001', 'landline', NULL, 'phone', 5, 6),
 ('seller', 'S6', 'email', 'nine@example.com', 'nine@example.com', NULL, NULL, 'email', 5, 7),
 ('seller', 'S9', 'email', 'nine@example.com', 'NINE@example.com', NULL, NULL, 'email', 5, 8);
-- H13 gives the forwarder's return address too: a hub grows without being read again
INSERT INTO sellers(seller_id, source_id, line) VALUES ('H13', 5, 9);
INSERT INTO identifiers(holder_kind, holder_id, kind, value, raw, flags, day, field, source_id, line) VALUES
 ('seller', 'H13', 'address_unit', 'cn|shenzhen|fwd 1|a', 'FWD 1 (A)', NULL, NULL, 'return_address', 5, 9);
