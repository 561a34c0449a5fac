-- store.sql - a small marketplace for the case, export and pipeline tests (written by hand;
-- loaded with the sqlite3 CLI into a store made by 'casekit init')
INSERT INTO sources(source_id, path, sha256, size, kind, ingested_at, rows_read, rows_kept) VALUES
 (1, 'dump/sellers.csv', '1111111111111111111111111111111111111111111111111111111111111111', 400, 'sellers', '2026-11-01T00:00:00Z', 4, 4),
 (2, 'dump/listings.csv', '2222222222222222222222222222222222222222222222222222222222222222', 500, 'listings', '2026-11-01T00:00:00Z', 5, 5),
 (3, 'dump/orders.csv', '3333333333333333333333333333333333333333333333333333333333333333', 600, 'orders', '2026-11-01T00:00:00Z', 6, 6),
 (4, 'dump/testbuys.csv', '4444444444444444444444444444444444444444444444444444444444444444', 100, 'testbuys', '2026-11-01T00:00:00Z', 2, 2),
 (5, 'dump/takedowns.csv', '5555555555555555555555555555555555555555555555555555555555555555', 100, 'takedowns', '2026-11-01T00:00:00Z', 1, 1),
 (6, 'dump/parties.csv', '6666666666666666666666666666666666666666666666666666666666666666', 100, 'parties', '2026-11-01T00:00:00Z', 3, 3),
 (7, 'dump/shipments.csv', '7777777777777777777777777777777777777777777777777777777777777777', 100, 'shipments', '2026-11-01T00:00:00Z', 4, 4),
 (8, 'dump/logins.csv', '8888888888888888888888888888888888888888888888888888888888888888', 100, 'logins', '2026-11-01T00:00:00Z', 2, 2);
INSERT INTO sellers(seller_id, platform, shop_name, owner_name, registered_at, phone, email, status, source_id, line) VALUES
 ('S1', 'shopx', 'Lux Deals', 'Li Wei', '2026-01-05T10:00:00Z', '+8613800000001', 'lux@example.com', 'active', 1, 2),
 ('S2', 'shopx', 'Brand Outlet', 'Wang Fang', '2026-02-10T09:00:00Z', '+8613800000002', 'outlet@example.com', 'active', 1, 3),
 ('S3', 'shopx', 'Honest Shoes', 'Ann Lee', '2025-06-01T08:00:00Z', '+8613800000003', 'ann@example.com', 'active', 1, 4),
 ('S4', 'shopx', 'Quiet Shop', 'Bo Chen', '2025-07-01T08:00:00Z', NULL, NULL, 'active', 1, 5);
INSERT INTO listings(listing_id, seller_id, title, brand, category, price, currency, created_at, status, source_id, line) VALUES
 ('L1', 'S1', 'Nike Air replica 1:1', 'Nike', 'shoes', 12900, 'EUR', '2026-03-01T00:00:00Z', 'active', 2, 2),
 ('L2', 'S1', 'Rolex mirror quality', 'Rolex', 'watches', 45000, 'EUR', '2026-03-02T00:00:00Z', 'active', 2, 3),
 ('L3', 'S2', 'Gucci bag AAA', 'Gucci', 'bags', 8000, 'USD', '2026-03-05T00:00:00Z', 'active', 2, 4),
 ('L4', 'S3', 'Plain running shoes', NULL, 'shoes', 5900, 'EUR', '2026-03-06T00:00:00Z', 'active', 2, 5),
 ('L5', 'S2', 'Gucci belt', 'Gucci', 'belts', 3000, 'USD', '2026-03-07T00:00:00Z', 'active', 2, 6);
INSERT INTO orders(order_id, listing_id, seller_id, buyer_id, quantity, amount, currency, ordered_at, ship_to_address, status, source_id, line) VALUES
 ('O1', 'L1', 'S1', 'B-alice', 1, 12900, 'EUR', '2026-04-01T10:00:00Z', '1 Rue de Paris, 75001 Paris', 'delivered', 3, 2),
 ('O2', 'L1', 'S1', 'B-bob', 2, 25800, 'EUR', '2026-04-02T10:00:00Z', '2 Main St, Springfield', 'delivered', 3, 3),
 ('O3', 'L2', 'S1', 'B-alice', 1, 45000, 'EUR', '2026-04-03T10:00:00Z', '1 Rue de Paris, 75001 Paris', 'cancelled', 3, 4),
 ('O4', 'L3', 'S2', 'B-carol', 1, 8000, 'USD', '2026-04-04T10:00:00Z', '3 High St, Leeds', 'delivered', 3, 5),
 ('O5', 'L4', 'S3', 'B-dave', 1, 5900, 'EUR', '2026-04-05T10:00:00Z', '4 Low Rd, York', 'delivered', 3, 6),
 ('O6', 'L5', 'S2', 'B-erin', 3, 9000, 'USD', '2026-04-06T10:00:00Z', '5 Mid Ave, Bath', 'delivered', 3, 7);
INSERT INTO testbuys(testbuy_id, listing_id, order_id, bought_at, cost, currency, verdict, report_ref, source_id, line) VALUES
 ('TB1', 'L1', 'O1', '2026-04-10T00:00:00Z', 12900, 'EUR', 'counterfeit', 'LAB-17', 4, 2),
 ('TB2', 'L4', 'O5', '2026-04-11T00:00:00Z', 5900, 'EUR', 'genuine', 'LAB-18', 4, 3);
INSERT INTO takedowns(notice_id, rights_holder, listing_id, received_at, resolved_at, outcome, source_id, line) VALUES
 ('N1', 'Gucci SpA', 'L3', '2026-04-20T00:00:00Z', '2026-04-22T00:00:00Z', 'removed', 5, 2);
INSERT INTO parties(party_id, kind, name, phone, email, address, source_id, line) VALUES
 ('P1', 'warehouse', 'Dongguan Storage Co', NULL, NULL, 'Dongguan', 6, 2),
 ('P2', 'factory', 'Putian Shoe Works', NULL, NULL, 'Putian', 6, 3),
 ('P3', 'forwarder', 'Quick Freight', NULL, NULL, 'Shenzhen', 6, 4);
INSERT INTO shipments(shipment_id, from_id, to_id, carrier, goods, quantity, declared_value, currency, shipped_at, source_id, line) VALUES
 ('SH1', 'P1', 'S1', 'EMS', 'shoes', 200, 100000, 'CNY', '2026-02-15T00:00:00Z', 7, 2),
 ('SH2', 'P2', 'P1', 'truck', 'shoes', 1000, 400000, 'CNY', '2026-02-01T00:00:00Z', 7, 3),
 ('SH3', 'P1', 'P2', 'truck', 'returns', 10, 1000, 'CNY', '2026-02-20T00:00:00Z', 7, 4),
 ('SH4', 'P3', 'S3', 'EMS', 'shoes', 20, 5000, 'CNY', '2026-02-21T00:00:00Z', 7, 5);
INSERT INTO logins(seller_id, device_id, ip, at, source_id, line) VALUES
 ('S1', 'dev-abc', '203.0.113.9', '2026-03-01T00:00:00Z', 8, 2),
 ('S2', 'dev-abc', '203.0.113.9', '2026-03-01T01:00:00Z', 8, 3);
INSERT INTO identifiers(holder_kind, holder_id, kind, value, raw, source_id, line) VALUES
 ('seller', 'S1', 'device', 'dev-abc', 'dev-abc', 8, 2),
 ('seller', 'S2', 'device', 'dev-abc', 'dev-abc', 8, 3),
 ('seller', 'S1', 'phone', '+8613800000001', '+8613800000001', 1, 2),
 ('seller', 'S2', 'payment', 'hmac:0f0f', 'card ****1234', 1, 3);
