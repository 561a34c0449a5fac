-- store.sql - a small marketplace for tests/cli/screen.sh (loaded with sqlite3 into 'casekit init')
INSERT INTO sources VALUES(1, 'listings.csv', 'fixture', 0, 'listings', 'generic', 'UTF-8', '2026-01-01T00:00:00Z', 12, 12, 0, NULL);
INSERT INTO brands(brand, aliases, category, reference_price, currency, rights_holder, source_id, line)
  VALUES('Zorblax', '佐布拉', 'gadgets', 10000, 'USD', 'Zorblax Ltd', 1, 1);
INSERT INTO sellers(seller_id, registered_at, source_id, line) VALUES
  ('S1', '2026-01-01T00:00:00Z', 1, 2),
  ('S2', '2019-05-01T00:00:00Z', 1, 3),
  ('S3', '2018-02-01T00:00:00Z', 1, 4);
INSERT INTO listings(listing_id, seller_id, title, brand, category, price, currency, created_at, image_text, source_id, line) VALUES
  ('L01', 'S1', 'Guссi Marmont bag 高仿', NULL, 'bags', 27600, 'USD', '2026-01-10T00:00:00Z', NULL, 1, 5),
  ('L02', 'S2', 'Gucci Marmont bag', 'Gucci', 'bags', 229000, 'USD', '2026-01-10T00:00:00Z', NULL, 1, 6),
  ('L03', 'S2', 'G U C C I belt', NULL, 'accessories', 4000, 'USD', '2026-01-10T00:00:00Z', NULL, 1, 7),
  ('L04', 'S3', 'r.e.p.l.i.c.a Rolex watch', 'Rolex', 'watches', 20000, 'USD', '2026-01-10T00:00:00Z', NULL, 1, 8),
  ('L05', 'S3', '高仿真绿植盆栽', NULL, 'home', 3000, 'CNY', '2026-01-10T00:00:00Z', NULL, 1, 9),
  ('L06', 'S3', 'AAA batteries 24 pack', NULL, 'electronics', 999, 'USD', '2026-01-10T00:00:00Z', NULL, 1, 10),
  ('L07', 'S3', '1:1 scale model car', NULL, 'toys', 2999, 'USD', '2026-01-10T00:00:00Z', NULL, 1, 11),
  ('L08', 'S3', 'Nike replica jersey officially licensed', 'Nike', 'apparel', 8999, 'USD', '2026-01-10T00:00:00Z', NULL, 1, 12),
  ('L09', 'S3', 'USB-C charger compatible with Apple iPhone', NULL, 'electronics', 1299, 'USD', '2026-01-10T00:00:00Z', NULL, 1, 13),
  ('L10', 'S2', '古驰 女包 1：1', NULL, 'bags', 50000, 'CNY', '2026-01-10T00:00:00Z', NULL, 1, 14),
  ('L11', 'S2', 'Zorblax widget pro', NULL, 'gadgets', 1000, 'USD', '2026-01-10T00:00:00Z', NULL, 1, 15),
  ('L12', 'S3', 'plain canvas tote', NULL, 'bags', 1500, 'USD', '2026-01-10T00:00:00Z', 'GUCCI', 1, 16);
INSERT INTO testbuys(testbuy_id, listing_id, verdict, source_id, line) VALUES('T1', 'L04', 'counterfeit', 1, 17);
