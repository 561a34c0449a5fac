-- v2.sql - a store of schema version 2 (the payment key in meta.secret), made by casekit 0.1
-- from tests/data/ingest (sellers, payments); tests/cli/keyfile.sh opens it to check that the
-- key moves out to a key file.
PRAGMA application_id=1131112820;
PRAGMA user_version=2;
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
INSERT INTO meta VALUES('created_at','2025-12-01T00:00:00Z');
INSERT INTO meta VALUES('created_by','casekit 0.1.0');
INSERT INTO meta VALUES('secret',X'164b8306e45bd3a0ae1ed7c21ce6279fa1312627e3944c054e0e69936e5c7642');
CREATE TABLE sources(
  source_id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL, kind TEXT NOT NULL, profile TEXT, encoding TEXT,
  ingested_at TEXT NOT NULL, rows_read INTEGER NOT NULL DEFAULT 0,
  rows_kept INTEGER NOT NULL DEFAULT 0, rows_rejected INTEGER NOT NULL DEFAULT 0);
INSERT INTO sources VALUES(1,'sellers.csv','fa816c856d16bcaf74f2bb122b5c9f2522d81d5808de424e12a51063a44f4b69',361,'sellers','generic','UTF-8','2025-12-01T00:00:00Z',3,3,0);
INSERT INTO sources VALUES(2,'payments.csv','e954a02a19a700471015b2e12de7c19b681bc18aaa380cba1b30cc98effde610',163,'payments','generic','UTF-8','2025-12-01T00:00:00Z',2,2,0);
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
INSERT INTO sellers VALUES('S1','shopee','Lucky Bags','Li Wei','2025-03-01T00:00:00Z','+8613800138000','li.wei+shop@gmail.com','12 Main St, Apt 3',NULL,'active',NULL,1,2);
INSERT INTO sellers VALUES('S2','shopee','Bag Queen',NULL,'2025-04-02','+8613800138000','bagqueen@example.com',NULL,'PO Box 9','active',NULL,1,3);
INSERT INTO sellers VALUES('S3','shopee','Watch Hub','Chen','2025-05-03',NULL,'hub@example.com',NULL,NULL,'new',NULL,1,4);
CREATE TABLE parties(
  party_id TEXT PRIMARY KEY, kind TEXT, name TEXT, phone TEXT, email TEXT, address TEXT,
  attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
CREATE TABLE listings(
  listing_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, title TEXT, brand TEXT,
  category TEXT, price INTEGER, currency TEXT, created_at TEXT, status TEXT,
  image_text TEXT, url TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);
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
INSERT INTO payments VALUES(1,'S1','card','v1:26745330409b5dbc42f05bf7f35e8b969e99d13db273727543b35cae58971634','1111','Li Wei','ICBC','2025-03-02',NULL,2,2);
INSERT INTO payments VALUES(2,'S2','card','v1:26745330409b5dbc42f05bf7f35e8b969e99d13db273727543b35cae58971634','1111','Wang','ICBC','2025-04-03',NULL,2,3);
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
INSERT INTO identifiers VALUES(1,'seller','S1','phone','+8613800138000','+8613800138000',NULL,'mobile',NULL,'phone',1,2);
INSERT INTO identifiers VALUES(2,'seller','S1','email','liwei@gmail.com','li.wei+shop@gmail.com','gmail dots removed,+tag cut',NULL,NULL,'email',1,2);
INSERT INTO identifiers VALUES(3,'seller','S1','address_unit','12 main st apt 3','12 Main St, Apt 3','no street found',NULL,NULL,'address',1,2);
INSERT INTO identifiers VALUES(4,'seller','S1','address_building','12 main st apt 3','12 Main St, Apt 3','no street found',NULL,NULL,'address',1,2);
INSERT INTO identifiers VALUES(5,'seller','S2','phone','+8613800138000','+8613800138000',NULL,'mobile',NULL,'phone',1,3);
INSERT INTO identifiers VALUES(6,'seller','S2','email','bagqueen@example.com','bagqueen@example.com',NULL,NULL,NULL,'email',1,3);
INSERT INTO identifiers VALUES(7,'seller','S2','address_unit','po box 9','PO Box 9','no street found',NULL,NULL,'return_address',1,3);
INSERT INTO identifiers VALUES(8,'seller','S2','address_building','po box 9','PO Box 9','no street found',NULL,NULL,'return_address',1,3);
INSERT INTO identifiers VALUES(9,'seller','S3','email','hub@example.com','hub@example.com',NULL,NULL,NULL,'email',1,4);
INSERT INTO identifiers VALUES(10,'seller','S1','payment','v1:26745330409b5dbc42f05bf7f35e8b969e99d13db273727543b35cae58971634','****1111','card,luhn-ok',NULL,NULL,'instrument_id',2,2);
INSERT INTO identifiers VALUES(11,'seller','S2','payment','v1:26745330409b5dbc42f05bf7f35e8b969e99d13db273727543b35cae58971634','****1111','card,luhn-ok',NULL,NULL,'instrument_id',2,3);
CREATE TABLE screen_runs(
  run_id INTEGER PRIMARY KEY, rules_digest TEXT NOT NULL, started_at TEXT NOT NULL,
  scope TEXT NOT NULL, scored INTEGER, flagged INTEGER);
CREATE TABLE scores(
  listing_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, score INTEGER NOT NULL,
  flagged INTEGER NOT NULL, brand TEXT, reasons TEXT NOT NULL,
  run_id INTEGER NOT NULL) WITHOUT ROWID;
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
CREATE INDEX scores_seller ON scores(seller_id);
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
COMMIT;
