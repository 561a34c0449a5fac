-- v1.sql - a store of schema version 1 (before screen_runs), made by casekit 0.1 from
-- tests/data/sample with two screen runs; tests/cli/store.sh opens it to check the migration.
PRAGMA application_id=1131112820;
PRAGMA user_version=1;
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
INSERT INTO meta VALUES('created_at','2026-12-04T22:50:42Z');
INSERT INTO meta VALUES('created_by','casekit 0.1.0');
INSERT INTO meta VALUES('secret',X'f9ad8150c411783fef3736f1b42a2135e58a4a4b99d2273a3c3c2d6648e01aed');
CREATE TABLE sources(
  source_id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL, kind TEXT NOT NULL, profile TEXT, encoding TEXT,
  ingested_at TEXT NOT NULL, rows_read INTEGER NOT NULL DEFAULT 0,
  rows_kept INTEGER NOT NULL DEFAULT 0, rows_rejected INTEGER NOT NULL DEFAULT 0);
INSERT INTO sources VALUES(1,'/work/main/tests/data/sample/sellers.csv','f234410b51ab994c154de803450025e5741ce2de47a39ab242f1bf4be9b684b6',446,'sellers','generic','UTF-8','2026-12-04T22:50:42Z',7,7,0);
INSERT INTO sources VALUES(2,'/work/main/tests/data/sample/listings.csv','c369c6f62ec067ce50709f1ce67563b23511c7e913bb0e5f1488deded0a06a07',714,'listings','generic','UTF-8','2026-12-04T22:50:42Z',11,11,0);
CREATE TABLE rejects(
  reject_id INTEGER PRIMARY KEY, source_id INTEGER REFERENCES sources, path TEXT NOT NULL,
  line INTEGER NOT NULL, reason TEXT NOT NULL, raw TEXT);
CREATE TABLE brands(
  brand TEXT NOT NULL, aliases TEXT, category TEXT NOT NULL DEFAULT '',
  reference_price INTEGER, currency TEXT, rights_holder TEXT,
  attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL,
  PRIMARY KEY(brand, category, currency));
CREATE TABLE sellers(
  seller_id TEXT PRIMARY KEY, platform TEXT, shop_name TEXT, owner_name TEXT,
  registered_at TEXT, phone TEXT, email TEXT, address TEXT, return_address TEXT,
  status TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
INSERT INTO sellers VALUES('S1','taobao','Shop 1',NULL,'2026-01-01T00:00:00Z',NULL,NULL,NULL,NULL,'active',NULL,1,2);
INSERT INTO sellers VALUES('S2','taobao','Shop 2',NULL,'2026-01-01T00:00:00Z',NULL,NULL,NULL,NULL,'active',NULL,1,3);
INSERT INTO sellers VALUES('S3','taobao','Shop 3',NULL,'2026-01-01T00:00:00Z',NULL,NULL,NULL,NULL,'active',NULL,1,4);
INSERT INTO sellers VALUES('S4','taobao','Shop 4',NULL,'2026-01-01T00:00:00Z',NULL,NULL,NULL,NULL,'active',NULL,1,5);
INSERT INTO sellers VALUES('S5','taobao','Shop 5',NULL,'2026-01-01T00:00:00Z',NULL,NULL,NULL,NULL,'active',NULL,1,6);
INSERT INTO sellers VALUES('S6','taobao','Shop 6',NULL,'2026-01-01T00:00:00Z',NULL,NULL,NULL,NULL,'active',NULL,1,7);
INSERT INTO sellers VALUES('S7','taobao','Shop 7',NULL,'2026-01-01T00:00:00Z',NULL,NULL,NULL,NULL,'active',NULL,1,8);
CREATE TABLE parties(
  party_id TEXT PRIMARY KEY, kind TEXT, name TEXT, phone TEXT, email TEXT, address TEXT,
  attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
CREATE TABLE listings(
  listing_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, title TEXT, brand TEXT,
  category TEXT, price INTEGER, currency TEXT, created_at TEXT, status TEXT,
  image_text TEXT, url TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
INSERT INTO listings VALUES('A1','S1','bag','gucci','bags',10000,'CNY','2026-02-01T00:00:00Z',NULL,NULL,NULL,NULL,2,2);
INSERT INTO listings VALUES('A2','S1','bag','gucci','bags',12000,'CNY','2026-02-01T00:00:00Z',NULL,NULL,NULL,NULL,2,3);
INSERT INTO listings VALUES('A3','S2','bag','gucci','bags',9000,'CNY','2026-02-01T00:00:00Z',NULL,NULL,NULL,NULL,2,4);
INSERT INTO listings VALUES('A4','S3','bag','prada','bags',20000,'CNY','2026-02-01T00:00:00Z',NULL,NULL,NULL,NULL,2,5);
INSERT INTO listings VALUES('A5','S4','belt','coach','belts',5000,'CNY','2026-02-01T00:00:00Z',NULL,NULL,NULL,NULL,2,6);
INSERT INTO listings VALUES('A6','S5','bag','lv','bags',30000,'CNY','2026-02-01T00:00:00Z',NULL,NULL,NULL,NULL,2,7);
INSERT INTO listings VALUES('A7','S6','bag','hermes','bags',100000,'CNY','2026-02-01T00:00:00Z',NULL,NULL,NULL,NULL,2,8);
INSERT INTO listings VALUES('A8','S3','bag','prada','bags',15000,'CNY','2026-02-01T00:00:00Z','removed',NULL,NULL,NULL,2,9);
INSERT INTO listings VALUES('A9','S4','belt','coach','belts',8000,'CNY','2026-02-01T00:00:00Z',NULL,NULL,NULL,NULL,2,10);
INSERT INTO listings VALUES('U1','S7','shoe','nike','shoes',5000,'USD','2026-02-01T00:00:00Z',NULL,NULL,NULL,NULL,2,11);
INSERT INTO listings VALUES('A10','S7','shoe','nike','shoes',3000,'CNY','2026-02-01T00:00:00Z',NULL,NULL,NULL,NULL,2,12);
CREATE TABLE orders(
  order_id TEXT PRIMARY KEY, listing_id TEXT, seller_id TEXT, buyer_id TEXT,
  quantity INTEGER, amount INTEGER, currency TEXT, ordered_at TEXT, ship_to_address TEXT,
  status TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
CREATE TABLE logins(
  login_id INTEGER PRIMARY KEY, seller_id TEXT NOT NULL, device_id TEXT, ip TEXT,
  user_agent TEXT, at TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
CREATE TABLE payments(
  payment_id INTEGER PRIMARY KEY, seller_id TEXT NOT NULL, instrument_type TEXT,
  instrument_hash TEXT NOT NULL, instrument_last4 TEXT, holder_name TEXT, bank TEXT,
  added_at TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
CREATE TABLE shipments(
  shipment_id TEXT PRIMARY KEY, from_id TEXT, from_name TEXT, from_address TEXT,
  to_id TEXT, to_name TEXT, to_address TEXT, carrier TEXT, tracking_no TEXT, goods TEXT,
  quantity INTEGER, declared_value INTEGER, currency TEXT, shipped_at TEXT,
  attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
CREATE TABLE testbuys(
  testbuy_id TEXT PRIMARY KEY, listing_id TEXT, order_id TEXT, bought_at TEXT,
  cost INTEGER, currency TEXT, verdict TEXT, report_ref TEXT,
  attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
CREATE TABLE takedowns(
  notice_id TEXT PRIMARY KEY, rights_holder TEXT, listing_id TEXT, received_at TEXT,
  resolved_at TEXT, outcome TEXT, attrs TEXT, source_id INTEGER NOT NULL,
  line INTEGER NOT NULL);
CREATE TABLE identifiers(
  ident_id INTEGER PRIMARY KEY, holder_kind TEXT NOT NULL, holder_id TEXT NOT NULL,
  kind TEXT NOT NULL, value TEXT NOT NULL, raw TEXT, note TEXT, flags TEXT, day TEXT,
  field TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
CREATE TABLE scores(
  listing_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, score INTEGER NOT NULL,
  flagged INTEGER NOT NULL, brand TEXT, reasons TEXT NOT NULL,
  rules_digest TEXT NOT NULL, scored_at TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO scores VALUES('A1','S1',50,1,'Gucci','brand:gucci price:0.01×ref','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-02T00:00:00Z');
INSERT INTO scores VALUES('A10','S7',50,1,'Nike','brand:nike price:0.03×ref','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-01T00:00:00Z');
INSERT INTO scores VALUES('A2','S1',50,1,'Gucci','brand:gucci price:0.01×ref','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-02T00:00:00Z');
INSERT INTO scores VALUES('A3','S2',50,1,'Gucci','brand:gucci price:0.01×ref','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-01T00:00:00Z');
INSERT INTO scores VALUES('A4','S3',50,1,'Prada','brand:prada price:0.01×ref','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-01T00:00:00Z');
INSERT INTO scores VALUES('A5','S4',10,0,'Coach','brand:coach','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-01T00:00:00Z');
INSERT INTO scores VALUES('A6','S5',50,1,'Louis Vuitton','brand:louis_vuitton price:0.02×ref','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-01T00:00:00Z');
INSERT INTO scores VALUES('A7','S6',50,1,'Hermès','brand:hermès price:0.02×ref','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-01T00:00:00Z');
INSERT INTO scores VALUES('A8','S3',50,1,'Prada','brand:prada price:0.01×ref','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-01T00:00:00Z');
INSERT INTO scores VALUES('A9','S4',10,0,'Coach','brand:coach','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-01T00:00:00Z');
INSERT INTO scores VALUES('U1','S7',30,0,'Nike','brand:nike price:0.42×ref','039a13c33b10ec857069eecdf593a6630ea9cc866054465dbd640f7fc8dd4471','2025-12-01T00:00:00Z');
CREATE TABLE score_network(
  listing_id TEXT PRIMARY KEY, network_id TEXT NOT NULL, others INTEGER NOT NULL,
  points INTEGER NOT NULL);
CREATE TABLE link_runs(
  run_id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, mode TEXT NOT NULL,
  last_ident_id INTEGER NOT NULL, rows_seen INTEGER NOT NULL, params TEXT NOT NULL,
  sellers INTEGER NOT NULL,
  networks INTEGER NOT NULL, members INTEGER NOT NULL, edges INTEGER NOT NULL,
  hubs INTEGER NOT NULL);
CREATE TABLE networks(
  network_id TEXT PRIMARY KEY, size INTEGER NOT NULL, anchor TEXT NOT NULL,
  kinds TEXT NOT NULL, created_run INTEGER NOT NULL, updated_run INTEGER NOT NULL);
CREATE TABLE network_members(
  seller_id TEXT PRIMARY KEY, network_id TEXT NOT NULL);
CREATE TABLE link_edges(
  edge_id INTEGER NOT NULL, network_id TEXT NOT NULL, seller_a TEXT NOT NULL,
  seller_b TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, weight REAL NOT NULL,
  holders INTEGER NOT NULL, ident_a INTEGER, ident_b INTEGER, comparator TEXT,
  score REAL);
CREATE TABLE link_hubs(
  kind TEXT NOT NULL, value TEXT NOT NULL, display TEXT NOT NULL, holders INTEGER NOT NULL,
  day TEXT, PRIMARY KEY(kind, value)) WITHOUT ROWID;
CREATE TABLE network_aliases(
  old_id TEXT PRIMARY KEY, network_id TEXT, run_id INTEGER NOT NULL, reason TEXT NOT NULL)
  WITHOUT ROWID;
CREATE TABLE cases(
  case_id TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open'
  CHECK(status IN ('open', 'closed')), opened_at TEXT NOT NULL, opened_by TEXT NOT NULL,
  closed_at TEXT, recipient TEXT);
CREATE TABLE case_leads(
  case_id TEXT NOT NULL REFERENCES cases, kind TEXT NOT NULL, id TEXT NOT NULL,
  added_at TEXT NOT NULL, added_by TEXT NOT NULL, PRIMARY KEY(case_id, kind, id))
  WITHOUT ROWID;
CREATE TABLE case_members(
  case_id TEXT NOT NULL REFERENCES cases, seller_id TEXT NOT NULL, network_id TEXT,
  via TEXT NOT NULL, PRIMARY KEY(case_id, seller_id)) WITHOUT ROWID;
CREATE TABLE case_notes(
  note_id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases, at TEXT NOT NULL,
  analyst TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE case_grades(
  case_id TEXT NOT NULL REFERENCES cases, finding TEXT NOT NULL,
  reliability TEXT NOT NULL CHECK(reliability IN ('A', 'B', 'C', 'D', 'E')),
  confidence INTEGER NOT NULL CHECK(confidence BETWEEN 1 AND 5),
  handling TEXT NOT NULL CHECK(handling IN ('1', '2', '3', '4', '5')),
  reason TEXT, set_at TEXT NOT NULL, set_by TEXT NOT NULL,
  PRIMARY KEY(case_id, finding)) WITHOUT ROWID;
CREATE TABLE custody(
  seq INTEGER PRIMARY KEY, case_id TEXT NOT NULL, action TEXT NOT NULL, at TEXT NOT NULL,
  analyst TEXT NOT NULL, version TEXT NOT NULL, command TEXT NOT NULL,
  store_digest TEXT NOT NULL, detail TEXT, prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX network_members_network ON network_members(network_id);
CREATE INDEX link_edges_network ON link_edges(network_id);
CREATE INDEX custody_case ON custody(case_id, seq);
CREATE TRIGGER custody_no_update BEFORE UPDATE ON custody
  BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;
CREATE TRIGGER custody_no_delete BEFORE DELETE ON custody
  BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;
CREATE INDEX identifiers_kind_value ON identifiers(kind, value);
CREATE INDEX identifiers_holder ON identifiers(holder_kind, holder_id);
CREATE INDEX listings_seller ON listings(seller_id);
CREATE INDEX orders_listing ON orders(listing_id);
CREATE INDEX orders_seller ON orders(seller_id);
CREATE INDEX logins_seller ON logins(seller_id);
CREATE INDEX payments_seller ON payments(seller_id);
CREATE INDEX shipments_from ON shipments(from_id);
CREATE INDEX shipments_to ON shipments(to_id);
CREATE INDEX testbuys_listing ON testbuys(listing_id);
CREATE INDEX takedowns_listing ON takedowns(listing_id);
CREATE INDEX rejects_source ON rejects(source_id);
CREATE INDEX scores_seller ON scores(seller_id);
CREATE INDEX scores_score ON scores(score);
COMMIT;
