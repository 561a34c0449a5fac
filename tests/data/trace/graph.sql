-- graph.sql - a small supply graph for the trace tests (loaded with the sqlite3 CLI)
-- S1 S2 S3 are one operation: factory F1 ships to warehouse W1, which ships to them (and
-- sends a return back to F1: a cycle). Carrier C1 ships to every seller, S1 to S8. F2 is an
-- honest factory. P9 shares a phone with S3 only; P8's phone is a hub held by many. S4 sells
-- to S2 (an order between sellers). A parcel to S2 names its sender by name only.
BEGIN;
INSERT INTO sellers(seller_id, shop_name, source_id, line) VALUES
 ('S1', 'Lux Bags', 1, 2), ('S2', 'Lux Bags 2', 1, 3), ('S3', 'Bag Outlet', 1, 4),
 ('S4', 'Honest One', 1, 5), ('S5', 'Honest Two', 1, 6), ('S6', 'Honest Three', 1, 7),
 ('S7', 'Honest Four', 1, 8), ('S8', 'Honest Five', 1, 9);
INSERT INTO parties(party_id, kind, name, source_id, line) VALUES
 ('F1', 'factory', 'Dongguan Leather', 2, 2), ('W1', 'warehouse', 'Yiwu Store 9', 2, 3),
 ('C1', 'carrier', 'FastShip', 2, 4), ('F2', 'factory', 'Good Goods', 2, 5),
 ('P9', 'supplier', 'Phone Friend', 2, 6), ('P8', 'forwarder', 'Everyone Fwd', 2, 7);
INSERT INTO listings(listing_id, seller_id, title, brand, price, currency, source_id, line) VALUES
 ('L1', 'S1', 'bag', 'gucci', 12900, 'CNY', 3, 2), ('L4', 'S4', 'bag', 'coach', 50000, 'CNY', 3, 3);
INSERT INTO shipments(shipment_id, from_id, from_name, to_id, quantity, declared_value,
 currency, source_id, line) VALUES
 ('H01', 'F1', NULL, 'W1', 500, 250000, 'CNY', 4, 2),
 ('H02', 'F1', NULL, 'W1', 300, 150000, 'CNY', 4, 3),
 ('H03', 'W1', NULL, 'S1', 100, 60000, 'CNY', 4, 4),
 ('H04', 'W1', NULL, 'S2', 100, 60000, 'CNY', 4, 5),
 ('H05', 'W1', NULL, 'S3', 100, 60000, 'CNY', 4, 6),
 ('H06', 'W1', NULL, 'F1', 5, 2500, 'CNY', 4, 7),
 ('H07', 'C1', NULL, 'S1', 900, 9000, 'CNY', 4, 8),
 ('H08', 'C1', NULL, 'S2', 900, 9000, 'CNY', 4, 9),
 ('H09', 'C1', NULL, 'S3', 900, 9000, 'CNY', 4, 10),
 ('H10', 'C1', NULL, 'S4', 900, 9000, 'CNY', 4, 11),
 ('H11', 'C1', NULL, 'S5', 900, 9000, 'CNY', 4, 12),
 ('H12', 'C1', NULL, 'S6', 900, 9000, 'CNY', 4, 13),
 ('H13', 'C1', NULL, 'S7', 900, 9000, 'CNY', 4, 14),
 ('H14', 'C1', NULL, 'S8', 900, 9000, 'CNY', 4, 15),
 ('H15', 'F2', NULL, 'S4', 50, 5000, 'CNY', 4, 16),
 ('H16', 'F2', NULL, 'S5', 50, 5000, 'CNY', 4, 17),
 ('H17', NULL, 'Mr Wu', 'S2', 10, 1000, 'CNY', 4, 18);
INSERT INTO orders(order_id, listing_id, seller_id, buyer_id, quantity, amount, currency,
 source_id, line) VALUES
 ('O1', 'L4', 'S4', 'S2', 2, 100000, 'CNY', 5, 2),
 ('O2', 'L4', 'S4', 'B77', 1, 50000, 'CNY', 5, 3),
 ('O3', 'L4', 'S4', 'B78', 1, 50000, 'CNY', 5, 4);
INSERT INTO identifiers(holder_kind, holder_id, kind, value, source_id, line) VALUES
 ('party', 'P9', 'phone', '+8613800000009', 2, 6),
 ('seller', 'S3', 'phone', '+8613800000009', 1, 4),
 ('party', 'P8', 'phone', '+8613800000008', 2, 7),
 ('seller', 'S1', 'phone', '+8613800000008', 1, 2),
 ('seller', 'S4', 'phone', '+8613800000008', 1, 5),
 ('seller', 'S5', 'phone', '+8613800000008', 1, 6);
COMMIT;
