-- store.sql - identifiers for tests/cli/link.sh, loaded into a fresh store with sqlite3
-- (synthetic: S1-S3 share a device and a payout account, S4-S5 an IP on one day and a
-- landline, S6 the same IP a day later, S7-S8 a null device id, S9-S10 one building, and
-- H1-H12 one forwarder's unit address: a hub at --cap address_unit=10)
INSERT INTO sources(source_id, path, sha256, size, kind, ingested_at) VALUES
 (1, 'sellers.csv', 'a', 1, 'sellers', '2026-12-01T00:00:00Z'),
 (2, 'logins.csv', 'b', 1, 'logins', '2026-12-01T00:00:00Z'),
 (3, 'payments.csv', 'c', 1, 'payments', '2026-12-01T00:00:00Z');
INSERT INTO identifiers(holder_kind, holder_id, kind, value, raw, flags, day, field, source_id, line) VALUES
 ('seller', 'S1', 'device', 'a1b2c3', 'A1B2C3', NULL, NULL, 'device_id', 2, 2),
 ('seller', 'S2', 'device', 'a1b2c3', '{a1b2c3}', NULL, NULL, 'device_id', 2, 3),
 ('seller', 'S2', 'payment', 'v1:9f8e', 'card ****1234', NULL, NULL, 'instrument_id', 3, 2),
 ('seller', 'S3', 'payment', 'v1:9f8e', 'card ****1234', NULL, NULL, 'instrument_id', 3, 3),
 ('seller', 'S4', 'ip', '203.0.113.7', '203.0.113.7', NULL, '2026-01-01', 'ip', 2, 4),
 ('seller', 'S5', 'ip', '203.0.113.7', '203.0.113.7', NULL, '2026-01-01', 'ip', 2, 5),
 ('seller', 'S6', 'ip', '203.0.113.7', '203.0.113.7', NULL, '2026-01-02', 'ip', 2, 6),
 ('seller', 'S4', 'phone', '+861012345678', '010 1234 5678', 'landline', NULL, 'phone', 1, 5),
 ('seller', 'S5', 'phone', '+861012345678', '(010) 12345678', 'landline', NULL, 'phone', 1, 6),
 ('seller', 'S6', 'phone', '+861012345678', '010-1234-5678', 'landline', NULL, 'phone', 1, 7),
 ('seller', 'S7', 'device', '0', '00000000-0000-0000-0000-000000000000', 'nolink,null', NULL, 'device_id', 2, 7),
 ('seller', 'S8', 'device', '0', '00000000000000000000000000000000', 'nolink,null', NULL, 'device_id', 2, 8),
 ('seller', 'S7', 'ip', '10.0.0.1', '10.0.0.1', 'nolink,private', '2026-01-01', 'ip', 2, 9),
 ('seller', 'S8', 'ip', '10.0.0.1', '10.0.0.1', 'nolink,private', '2026-01-01', 'ip', 2, 10),
 ('seller', 'S9', 'address_building', 'cn|shenzhen|keyuan rd 9', 'Keyuan Rd 9, 1201', NULL, NULL, 'address', 1, 10),
 ('seller', 'S10', 'address_building', 'cn|shenzhen|keyuan rd 9', 'Keyuan Road 9, 1502', NULL, NULL, 'address', 1, 11),
 ('seller', 'S9', 'address_unit', 'cn|shenzhen|keyuan rd 9|1201', 'Keyuan Rd 9, 1201', NULL, NULL, 'address', 1, 10),
 ('seller', 'S10', 'address_unit', 'cn|shenzhen|keyuan rd 9|1502', 'Keyuan Road 9, 1502', NULL, NULL, 'address', 1, 11);
WITH RECURSIVE h(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM h WHERE i < 12)
INSERT INTO identifiers(holder_kind, holder_id, kind, value, raw, flags, day, field, source_id, line)
 SELECT 'seller', 'H' || i, 'address_unit', 'cn|shenzhen|fwd 1|a',
  CASE i % 3 WHEN 0 THEN 'Fwd 1 #A' WHEN 1 THEN 'fwd 1, a' ELSE 'FWD 1 A' END, NULL, NULL,
  'return_address', 1, 20 + i FROM h;
INSERT INTO sellers(seller_id, source_id, line)
 SELECT DISTINCT holder_id, 1, 1 FROM identifiers WHERE holder_kind = 'seller';
