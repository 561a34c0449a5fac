/* synth.c - a synthetic marketplace dump with planted counterfeit operations and its truth */
#include "casekit.h"
#include "progress.h"
#include "synth.h"
#include "synthnotice.h"
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* ---- randomness: splitmix64 seeds xoshiro256** (Vigna), a keyed Feistel permutation ---- */

uint64_t synth_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void synth_rng_seed(struct synth_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = synth_splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t synth_rng_next(struct synth_rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint64_t synth_rng_below(struct synth_rng *r, uint64_t n)
{
	uint64_t x, lim = -n % n; /* 2^64 mod n: reject the short last block, no modulo bias */

	do
		x = synth_rng_next(r);
	while (x < lim);
	return x % n;
}

/* Mix a seed with a stream tag and an index into an independent seed. */
static uint64_t mix3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t s = a ^ (b * 0xd1342543de82ef95ULL);

	s = synth_splitmix64(&s) ^ c;
	return synth_splitmix64(&s);
}

static void rng_for(struct synth_rng *r, uint64_t seed, uint64_t stream, uint64_t idx)
{
	synth_rng_seed(r, mix3(seed, stream, idx));
}

void synth_perm_init(struct synth_perm *p, uint64_t n, uint64_t key)
{
	unsigned bits = 2;

	while (bits < 64 && (1ULL << bits) < n)
		bits++;
	p->n = n;
	p->key = key;
	p->half = (bits + 1) / 2;
}

static uint64_t feistel_f(const struct synth_perm *p, unsigned round, uint64_t x)
{
	return mix3(p->key, round, x) & ((1ULL << p->half) - 1);
}

static uint64_t feistel(const struct synth_perm *p, uint64_t x, int inverse)
{
	uint64_t mask = (1ULL << p->half) - 1, l = x >> p->half, r = x & mask, t;
	unsigned i;

	for (i = 0; i < 4; i++) {
		if (!inverse) {
			t = r;
			r = l ^ feistel_f(p, i, r);
			l = t;
		} else {
			t = l;
			l = r ^ feistel_f(p, 3 - i, l);
			r = t;
		}
	}
	return (l << p->half) | r;
}

/* Cycle walking keeps the permutation inside [0, n) although the Feistel domain is larger. */
uint64_t synth_perm_fwd(const struct synth_perm *p, uint64_t x)
{
	do
		x = feistel(p, x, 0);
	while (x >= p->n);
	return x;
}

uint64_t synth_perm_inv(const struct synth_perm *p, uint64_t y)
{
	do
		y = feistel(p, y, 1);
	while (y >= p->n);
	return y;
}

int synth_luhn_digit(const char *s)
{
	size_t n = strlen(s), i;
	int sum = 0, d;

	/* The check digit will sit right of s, so the rightmost digit of s is doubled. */
	for (i = 0; i < n; i++) {
		d = s[n - 1 - i] - '0';
		if (i % 2 == 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

/* ---- spellings of identifiers ---- */

static void add_fullwidth_digits(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			/* U+FF10..U+FF19 */
			buf_addc(out, (char)0xef);
			buf_addc(out, (char)0xbc);
			buf_addc(out, (char)(0x90 + (*s - '0')));
		} else {
			buf_addc(out, *s);
		}
	}
}

/*
 * national: 11 digits of a Chinese mobile (1[3-9]xxxxxxxxx), or 8 of a Hong Kong number. The
 * first spellings carry the country code; with intl set only those are used, so that the
 * number normalises to E.164 without a default country.
 */
void synth_phone_spell(struct buf *out, const char *national, int variant, int intl)
{
	const char *n = national;
	unsigned v = (unsigned)variant;

	if (strlen(n) == 8) {
		switch (v % (intl ? 3 : 4)) {
		case 0:
			buf_addf(out, "+852 %.4s %.4s", n, n + 4);
			break;
		case 1:
			buf_addf(out, "00852-%.4s-%.4s", n, n + 4);
			break;
		case 2:
			buf_addf(out, "+852%s", n);
			break;
		default:
			buf_addf(out, "(852) %s", n);
			break;
		}
		return;
	}
	switch (v % (intl ? 6 : 9)) {
	case 0:
		buf_addf(out, "+86 %.3s %.4s %.4s", n, n + 3, n + 7);
		break;
	case 1:
		buf_addf(out, "0086-%.3s-%.4s-%.4s", n, n + 3, n + 7);
		break;
	case 2:
		buf_addf(out, "(+86) %s", n);
		break;
	case 3:
		buf_addf(out, "+86-%.3s-%.8s", n, n + 3);
		break;
	case 4:
		buf_addf(out, "0086 %s", n);
		break;
	case 5:
		buf_adds(out, "\xef\xbc\x8b"); /* U+FF0B FULLWIDTH PLUS SIGN */
		add_fullwidth_digits(out, "86 ");
		add_fullwidth_digits(out, n);
		break;
	case 6:
		buf_addf(out, "%.3s-%.4s-%.4s", n, n + 3, n + 7);
		break;
	case 7:
		buf_adds(out, n);
		break;
	default:
		add_fullwidth_digits(out, n);
		break;
	}
}

static int is_gmail(const char *domain)
{
	return !strcmp(domain, "gmail.com");
}

static int cuts_plus(const char *domain)
{
	return is_gmail(domain) || !strcmp(domain, "outlook.com") ||
		!strcmp(domain, "hotmail.com") || !strcmp(domain, "icloud.com");
}

/* local: lowercase letters and digits, no dots; the canonical form per linking notes §1.4. */
void synth_email_canon(struct buf *out, const char *local, const char *domain)
{
	buf_addf(out, "%s@%s", local, domain);
}

void synth_email_spell(struct buf *out, const char *local, const char *domain, int variant)
{
	size_t n = strlen(local), i, dot = 0;
	int upper_first = variant & 1, dots = (variant >> 1) & 3, tag = (variant >> 3) & 3;
	int gmail = is_gmail(domain), upper_dom = (variant >> 5) & 1;

	/* Gmail ignores dots: put one or two where the digits or the name split, or anywhere. */
	if (gmail && dots)
		dot = 1 + (size_t)(variant >> 6) % (n > 2 ? n - 2 : 1);
	for (i = 0; i < n; i++) {
		char c = local[i];

		if (gmail && dots && (i == dot || (dots == 3 && i == dot + 2 && i < n - 1)))
			buf_addc(out, '.');
		if (c >= 'a' && c <= 'z' && upper_first && (i == 0 || dots == 2))
			c = (char)(c - 'a' + 'A');
		buf_addc(out, c);
	}
	if (cuts_plus(domain) && tag)
		buf_addf(out, "+%s", tag == 1 ? "shop" : tag == 2 ? "tb" : "store2");
	buf_addc(out, '@');
	if (gmail && tag == 2)
		buf_adds(out, upper_dom ? "GoogleMail.com" : "googlemail.com");
	else if (upper_dom)
		for (const char *d = domain; *d; d++)
			buf_addc(out, (char)(*d >= 'a' && *d <= 'z' && d == domain ? *d - 32 : *d));
	else
		buf_adds(out, domain);
}

/* hex32: 32 lowercase hex digits; the spellings of an advertising or device id. */
void synth_device_spell(struct buf *out, const char *hex32, int variant)
{
	char tmp[40];
	int i, upper = variant & 1, hyph = (variant >> 1) & 1, brace = (variant >> 2) & 1;
	size_t k = 0;

	for (i = 0; i < 32; i++) {
		char c = hex32[i];

		if (hyph && (i == 8 || i == 12 || i == 16 || i == 20))
			tmp[k++] = '-';
		tmp[k++] = (char)(upper && c >= 'a' && c <= 'f' ? c - 32 : c);
	}
	tmp[k] = 0;
	if (brace)
		buf_addf(out, "{%s}", tmp);
	else
		buf_adds(out, tmp);
}

/* A card or bank number: plain, grouped by four with spaces, or with dashes. */
void synth_number_spell(struct buf *out, const char *digits, int variant)
{
	size_t n = strlen(digits), i;
	char sep = variant % 3 == 1 ? ' ' : '-';

	if (variant % 3 == 0) {
		buf_adds(out, digits);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i && i % 4 == 0)
			buf_addc(out, sep);
		buf_addc(out, digits[i]);
	}
}

/* ---- fixed tables ---- */

enum {
	K_SELLERS,
	K_LISTINGS,
	K_ORDERS,
	K_LOGINS,
	K_PAYMENTS,
	K_PARTIES,
	K_SHIPMENTS,
	K_TESTBUYS,
	K_TAKEDOWNS,
	K_BRANDS,
	NKINDS
};
const char *const synth_kinds[10] = { "sellers", "listings", "orders", "logins", "payments",
	"parties", "shipments", "testbuys", "takedowns", "brands" };
static const char *const headers[NKINDS] = {
	"seller_id,platform,shop_name,owner_name,registered_at,phone,email,address,return_address,"
	"status",
	"listing_id,seller_id,title,brand,category,price,currency,created_at,status,image_text,url",
	"order_id,listing_id,seller_id,buyer_id,quantity,amount,currency,ordered_at,ship_to_address,"
	"status",
	"seller_id,device_id,ip,user_agent,at",
	"seller_id,instrument_type,instrument_id,holder_name,bank,added_at",
	"party_id,kind,name,phone,email,address",
	"shipment_id,from_id,from_name,from_address,to_id,to_name,to_address,carrier,tracking_no,"
	"goods,quantity,declared_value,currency,shipped_at",
	"testbuy_id,listing_id,order_id,bought_at,cost,currency,verdict,report_ref",
	"notice_id,rights_holder,listing_id,received_at,resolved_at,outcome",
	"brand,aliases,category,reference_price,currency,rights_holder",
};

enum { C_BAGS, C_SHOES, C_WATCHES, C_APPAREL, C_ACCESSORIES, C_ELECTRONICS, C_PERFUME, NCATS };
static const char *const cat_name[NCATS] = { "bags", "shoes", "watches", "apparel", "accessories",
	"electronics", "perfume" };
static const char *const cat_zh[NCATS][3] = {
	{ "女士手提包", "斜挎包", "双肩包" },
	{ "运动鞋", "休闲鞋", "跑步鞋" },
	{ "机械手表", "男士腕表", "女士手表" },
	{ "卫衣", "短袖T恤", "外套" },
	{ "皮带", "钱包", "丝巾" },
	{ "无线耳机", "手机壳", "充电器" },
	{ "香水", "淡香水", "香水礼盒" },
};
static const char *const cat_en[NCATS][3] = {
	{ "leather handbag", "crossbody bag", "tote bag" },
	{ "sneakers", "running shoes", "trainers" },
	{ "automatic watch", "men's watch", "ladies watch" },
	{ "hoodie", "T-shirt", "jacket" },
	{ "leather belt", "wallet", "silk scarf" },
	{ "wireless earbuds", "phone case", "charger" },
	{ "perfume", "eau de toilette", "perfume gift set" },
};

struct brand {
	const char *name, *aliases, *holder;
	int cats[4];     /* category, -1 ends */
	long ref_cny[4]; /* reference price in fen per category */
};
static const struct brand brands[] = {
	{ "Gucci", "古驰|GG", "Guccio Gucci S.p.A.", { C_BAGS, C_SHOES, C_APPAREL, C_ACCESSORIES },
		{ 1850000, 690000, 520000, 380000 } },
	{ "Louis Vuitton", "路易威登|LV|驴牌", "Louis Vuitton Malletier",
		{ C_BAGS, C_ACCESSORIES, C_SHOES, -1 }, { 2100000, 450000, 820000 } },
	{ "Nike", "耐克", "Nike, Inc.", { C_SHOES, C_APPAREL, -1 }, { 89900, 39900 } },
	{ "Adidas", "阿迪达斯", "adidas AG", { C_SHOES, C_APPAREL, -1 }, { 79900, 45900 } },
	{ "Chanel", "香奈儿|小香", "Chanel SAS", { C_BAGS, C_PERFUME, C_ACCESSORIES, -1 },
		{ 4200000, 128000, 560000 } },
	{ "Rolex", "劳力士", "Rolex SA", { C_WATCHES, -1 }, { 7500000 } },
	{ "Apple", "苹果", "Apple Inc.", { C_ELECTRONICS, C_WATCHES, -1 }, { 129900, 299900 } },
	{ "Prada", "普拉达", "Prada S.p.A.", { C_BAGS, C_SHOES, -1 }, { 1600000, 650000 } },
	{ "Hermès", "爱马仕|Hermes", "Hermès International", { C_BAGS, C_ACCESSORIES, -1 },
		{ 9800000, 420000 } },
	{ "Dior", "迪奥", "Christian Dior Couture", { C_BAGS, C_PERFUME, -1 },
		{ 2900000, 115000 } },
	{ "Burberry", "博柏利|巴宝莉", "Burberry Limited", { C_APPAREL, C_ACCESSORIES, -1 },
		{ 1500000, 320000 } },
	{ "Omega", "欧米茄", "Omega SA", { C_WATCHES, -1 }, { 4800000 } },
	{ "Cartier", "卡地亚", "Cartier International", { C_WATCHES, C_ACCESSORIES, -1 },
		{ 5600000, 980000 } },
	{ "Coach", "蔻驰", "Tapestry, Inc.", { C_BAGS, C_ACCESSORIES, -1 }, { 450000, 150000 } },
};
#define NBRANDS (sizeof(brands) / sizeof(*brands))
/* One USD is taken as 7.1 CNY for the reference prices in US dollars. */
#define CNY_PER_USD_X10 71

static const char *const cf_zh[] = { "高仿", "原单", "A货", "复刻", "精仿", "超A", "1:1", "一比一",
	"纯原" };
static const char *const cf_en[] = { "replica", "1:1", "AAA", "AAA quality", "mirror quality",
	"super fake", "top grade copy", "1:1 copy" };

struct loc {
	const char *prov, *city, *district, *street, *road;
	int zip; /* the first three digits of the district's postcodes */
};
static const struct loc locs[] = {
	{ "广东省", "深圳市", "龙岗区", "坂田街道", "五和大道", 518 },
	{ "广东省", "深圳市", "宝安区", "福永街道", "凤凰路", 518 },
	{ "广东省", "深圳市", "南山区", "粤海街道", "科技园路", 518 },
	{ "广东省", "广州市", "白云区", "三元里街道", "机场路", 510 },
	{ "广东省", "广州市", "越秀区", "北京街道", "中山五路", 510 },
	{ "浙江省", "杭州市", "余杭区", "五常街道", "文一西路", 311 },
	{ "浙江省", "杭州市", "西湖区", "文新街道", "古墩路", 310 },
	{ "浙江省", "金华市", "义乌市", "稠城街道", "工人北路", 322 },
	{ "福建省", "莆田市", "荔城区", "镇海街道", "荔园路", 351 },
	{ "福建省", "泉州市", "晋江市", "陈埭镇", "江滨路", 362 },
	{ "江苏省", "南京市", "鼓楼区", "湖南路街道", "中山北路", 210 },
	{ "江苏省", "苏州市", "姑苏区", "平江街道", "干将东路", 215 },
	{ "上海市", "上海市", "浦东新区", "陆家嘴街道", "世纪大道", 200 },
	{ "北京市", "北京市", "朝阳区", "建外街道", "建国路", 100 },
	{ "四川省", "成都市", "武侯区", "玉林街道", "人民南路", 610 },
	{ "湖北省", "武汉市", "洪山区", "珞南街道", "珞喻路", 430 },
};
#define NLOCS (sizeof(locs) / sizeof(*locs))

struct hkloc {
	const char *name, *type, *district;
};
static const struct hkloc hklocs[] = {
	{ "Nathan", "Road", "Mong Kok" },
	{ "Canton", "Road", "Tsim Sha Tsui" },
	{ "Hennessy", "Road", "Wan Chai" },
	{ "Des Voeux", "Road", "Sheung Wan" },
	{ "Castle Peak", "Road", "Tsuen Wan" },
	{ "Sai Yeung Choi", "Street", "Mong Kok" },
	{ "Kwun Tong", "Road", "Kwun Tong" },
	{ "Shanghai", "Street", "Yau Ma Tei" },
};
#define NHKLOCS (sizeof(hklocs) / sizeof(*hklocs))
/* Streets of one name in two districts, numbered apart: the same number is two buildings. */
static const struct hkloc twin_streets[][2] = {
	{ { "Main", "Street", "Stanley" }, { "Main", "Street", "Ap Lei Chau" } },
	{ { "Tai Po", "Road", "Sham Shui Po" }, { "Tai Po", "Road", "Sha Tin" } },
	{ { "Ma On Shan", "Road", "Tai Wai" }, { "Ma On Shan", "Road", "Ma On Shan" } },
};
#define NTWINS (sizeof(twin_streets) / sizeof(*twin_streets))

static const char *const surname_zh[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴",
	"周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高" };
static const char *const surname_py[] = { "wang", "li", "zhang", "liu", "chen", "yang", "huang",
	"zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "luo", "gao" };
static const char *const given_zh[] = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
	"勇", "艳", "杰", "涛", "明", "超", "秀英", "华", "平", "刚" };
static const char *const given_py[] = { "wei", "fang", "na", "min", "jing", "li", "qiang", "lei",
	"jun", "yang", "yong", "yan", "jie", "tao", "ming", "chao", "xiuying", "hua", "ping",
	"gang" };
static const char *const surname_hk[] = { "Chan", "Wong", "Lee", "Cheung", "Lau", "Ng", "Ho",
	"Leung", "Lam", "Tse" };
static const char *const given_hk[] = { "Ka Ming", "Siu Ling", "Wai Kit", "Mei Ling", "Chi Wai",
	"Ho Yin", "Ka Yan", "Tsz Hin" };
static const char *const shop_word_zh[] = { "潮流", "优品", "名品", "时尚", "精选", "臻品", "尚品",
	"好物" };
static const char *const shop_type_zh[] = { "旗舰店", "专营店", "小店", "精品店", "百货" };
static const char *const shop_word_en[] = { "Luxe", "Urban", "Star", "Golden", "Happy", "Lucky",
	"Prime", "Trend" };
static const char *const shop_type_en[] = { "Store", "Boutique", "Outlet", "Shop", "Trading" };
static const char *const domains[] = { "gmail.com", "gmail.com", "gmail.com", "qq.com", "163.com",
	"outlook.com", "hotmail.com", "126.com", "icloud.com" };
static const char *const user_agents[] = {
	"SellerCenter/5.2.1 (iPhone; iOS 17.4)",
	"SellerCenter/5.2.0 (Android 13; SM-G9910)",
	"SellerCenter/5.1.8 (Android 12; M2102K1C)",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15",
};
static const int ip_firsts[] = { 36, 39, 42, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115,
	116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 180, 182, 183, 202, 210, 211, 218, 219,
	220, 221, 222, 223 };
static const char *const generic_zh[] = { "纯棉短袖T恤 男款", "陶瓷马克杯 大容量", "儿童书包 护脊",
	"不锈钢保温杯 500ml", "瑜伽垫 加厚防滑", "LED护眼台灯", "无线鼠标 静音", "收纳箱 三件套",
	"加绒卫衣 宽松", "手工香皂 礼盒" };
static const char *const generic_en[] = { "Cotton crew neck T-shirt", "Ceramic coffee mug 350ml",
	"Kids school backpack", "Stainless steel water bottle 750ml", "Non-slip yoga mat",
	"LED desk lamp with USB port", "Silent wireless mouse", "Storage box set of 3",
	"Fleece lined hoodie", "Handmade soap gift box" };
#define N(a) (sizeof(a) / sizeof(*(a)))

#define T_START 1514764800LL /* 2018-01-01: the oldest accounts */
#define T0 1735689600LL      /* 2025-01-01: listings, orders and logins of the dump */
#define T1 1764460800LL      /* 2025-11-30: the dump's last day */
#define DAY 86400LL

/* ---- output sinks: a buffered CSV file, plain or gzip with a fixed header ---- */

struct sink {
	FILE *fp;
	char *path, *part, *stale; /* the file, the name it is written under, the other form */
	int gz, nf;
	z_stream z;
	struct buf b;
	uint64_t rows;
};

static int sink_flush(struct sink *k, int finish)
{
	unsigned char out[1 << 16];
	int zr;

	if (!k->gz) {
		if (k->b.len && fwrite(k->b.s, 1, k->b.len, k->fp) != k->b.len)
			return ck_error(
				EX_IOERR, "cannot write '%s': %s", k->path, strerror(errno));
		buf_reset(&k->b);
		return 0;
	}
	k->z.next_in = (unsigned char *)k->b.s;
	k->z.avail_in = (uInt)k->b.len;
	do {
		k->z.next_out = out;
		k->z.avail_out = sizeof(out);
		zr = deflate(&k->z, finish ? Z_FINISH : Z_NO_FLUSH);
		if (zr == Z_STREAM_ERROR)
			ck_bug("deflate: stream error");
		if (fwrite(out, 1, sizeof(out) - k->z.avail_out, k->fp) !=
			sizeof(out) - k->z.avail_out)
			return ck_error(
				EX_IOERR, "cannot write '%s': %s", k->path, strerror(errno));
	} while (k->z.avail_out == 0 || (finish && zr != Z_STREAM_END));
	buf_reset(&k->b);
	return 0;
}

static int sink_open(struct sink *k, const char *dir, const char *name, int gz)
{
	char *file = xasprintf("%s%s", name, gz ? ".gz" : ""),
	     *other = xasprintf("%s%s", name, gz ? "" : ".gz");

	memset(k, 0, sizeof(*k));
	k->gz = gz;
	k->path = ck_path_join(dir, file);
	k->stale = ck_path_join(dir, other);
	free(file);
	free(other);
	/* Written under a temporary name: a killed run never leaves a half file as the real one. */
	k->part = xasprintf("%s.part", k->path);
	if (!(k->fp = fopen(k->part, "wb")))
		return ck_error(EX_CANTCREAT, "cannot create '%s': %s", k->part, strerror(errno));
	if (gz) {
		/* mtime 0, no name, OS 3 (Unix): the same bytes wherever it runs. */
		static gz_header hdr = { .os = 3 };

		if (deflateInit2(&k->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK ||
			deflateSetHeader(&k->z, &hdr) != Z_OK)
			ck_bug("deflateInit2 failed");
	}
	return 0;
}

/*
 * Finish the file. If keep, it takes its real name, and the other form of it (NAME.csv.gz
 * beside NAME.csv, from an earlier run) goes, so that a folder never mixes two runs; else the
 * partial file is removed.
 */
static int sink_close(struct sink *k, int keep)
{
	int rc = 0;

	if (k->fp) {
		rc = keep ? sink_flush(k, 1) : 0;
		if (k->gz)
			deflateEnd(&k->z);
		if (fclose(k->fp) != 0 && keep && !rc)
			rc = ck_error(EX_IOERR, "cannot write '%s': %s", k->part, strerror(errno));
		k->fp = NULL;
		if (keep && !rc && rename(k->part, k->path) != 0)
			rc = ck_error(EX_CANTCREAT, "cannot rename '%s' to '%s': %s", k->part,
				k->path, strerror(errno));
		if (keep && !rc && unlink(k->stale) != 0 && errno != ENOENT)
			rc = ck_error(
				EX_CANTCREAT, "cannot remove '%s': %s", k->stale, strerror(errno));
		if (!keep || rc)
			unlink(k->part);
	}
	free(k->path);
	free(k->part);
	free(k->stale);
	k->path = k->part = k->stale = NULL;
	buf_free(&k->b);
	return rc;
}

/* One field, quoted per RFC 4180 only when it needs to be. */
static void fld(struct sink *k, const char *s)
{
	if (k->nf++)
		buf_addc(&k->b, ',');
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		buf_adds(&k->b, s);
		return;
	}
	buf_addc(&k->b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(&k->b, '"');
		buf_addc(&k->b, *s);
	}
	buf_addc(&k->b, '"');
}

static void fldf(struct sink *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fldf(struct sink *k, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	fld(k, tmp);
}

void synth_iso_time(char out[21], int64_t t)
{
	/* Days to a civil date (H. Hinnant's algorithm): strftime is a third of the run time. */
	int64_t days = t / 86400, sod = t % 86400, z, era, y;
	unsigned doe, yoe, doy, mp, d, m, hh, mm, ss;

	if (sod < 0) {
		sod += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	hh = (unsigned)(sod / 3600);
	mm = (unsigned)(sod / 60 % 60);
	ss = (unsigned)(sod % 60);
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = 'T';
	out[11] = (char)('0' + hh / 10);
	out[12] = (char)('0' + hh % 10);
	out[13] = ':';
	out[14] = (char)('0' + mm / 10);
	out[15] = (char)('0' + mm % 10);
	out[16] = ':';
	out[17] = (char)('0' + ss / 10);
	out[18] = (char)('0' + ss % 10);
	out[19] = 'Z';
	out[20] = 0;
}

static void fld_time(struct sink *k, int64_t t)
{
	char s[21];

	synth_iso_time(s, t);
	if (k->nf++)
		buf_addc(&k->b, ',');
	buf_add(&k->b, s, 20);
}

/* Append v in decimal, zero-padded to width, without printf: ids are on every row. */
static void add_u64(struct buf *b, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	buf_grow(b, (size_t)n);
	while (n)
		b->s[b->len++] = tmp[--n];
	b->s[b->len] = 0;
}

/* A field of prefix and a zero-padded number: "O000000042". */
static void fld_id(struct sink *k, const char *prefix, uint64_t v, int width)
{
	if (k->nf++)
		buf_addc(&k->b, ',');
	buf_adds(&k->b, prefix);
	add_u64(&k->b, v, width);
}

static void fld_money(struct sink *k, int64_t minor)
{
	if (k->nf++)
		buf_addc(&k->b, ',');
	add_u64(&k->b, (uint64_t)(minor / 100), 1);
	buf_addc(&k->b, '.');
	add_u64(&k->b, (uint64_t)(minor % 100), 2);
}

static int row_end(struct sink *k)
{
	buf_addc(&k->b, '\n');
	k->nf = 0;
	k->rows++;
	return k->b.len >= (1 << 16) ? sink_flush(k, 0) : 0;
}

/* ---- the world: operations, parties, hubs ---- */

enum { ID_PHONE, ID_EMAIL, ID_ADDRESS, ID_DEVICE, ID_PAYMENT, NIDKINDS };
static const char *const idkind_name[NIDKINDS] = { "phone", "email", "address_unit", "device",
	"payment" };

struct addr {
	int hk, loc, num, bld, room; /* room: floor * 100 + door (CN), floor * 100 + letter (HK) */
	int twin;                    /* 1 or 2: a street of twin_streets[loc], in that district */
	int coarse; /* district and postcode only (num: the postcode's last three digits) */
};

/* Everything one identifier needs to be spelled in any of its variants. */
struct ident_src {
	int kind;
	char national[16];          /* phone */
	char local[40], domain[24]; /* email */
	struct addr a;              /* address */
	char hex[33];               /* device */
	char digits[24], type[8];   /* payment: card or bank */
};

struct op {
	uint64_t first_slot;
	unsigned size, nshared, factory, wh[2], rot; /* wh: its two warehouses (party indexes) */
	int hk;
	int64_t born;
	/* Habits of the gang, not evidence truth lists: an office, two brands, a WeChat id. */
	char office_ip[16], wechat[24];
	int64_t office_day[4];
	unsigned brand[2], stem;
};

struct party {
	char id[12];
	const char *kind;
	char *name, *phone, *email, *address;
	unsigned sup[3], nsup; /* a factory's material and packaging suppliers (party indexes) */
};

enum { HUB_FWD, HUB_AGG, HUB_ZERO, HUB_CGNAT0, NHUBS = HUB_CGNAT0 + 8 };

struct world {
	const struct synth_opts *o;
	struct synth_perm seller_perm, uniq_perm;
	struct op *ops;
	size_t nops, near_pairs;
	uint64_t op_slots;
	struct party *parties;
	size_t nparties, nsuppliers, first_supplier, npack, first_pack, nfactories, first_factory,
		nhonest, first_honest, first_wh, ndistrib, first_distrib;
	struct ident_src fwd_addr, agg_account;
	char cgnat[8][16];
	uint64_t hub_holders[NHUBS];
	int party_loc; /* -1 anywhere, -2 Hong Kong, else the locs[] of the next party */
	uint64_t next_listing, next_order, next_ship, next_testbuy, next_notice;
	struct sink out[NKINDS];
	FILE *cf_tmp, *trap_tmp;
	struct buf lid; /* the current listing id */
	uint64_t ncf, ntrap;
	struct synth_notices *notices; /* notices.csv: a stream of randomness of its own */
};

enum { P_CARRIER, P_FORWARDER, P_AGGREGATOR, P_FIXED };

/* A number unique to (space, index): phones, emails and cards never collide by accident. */
static uint64_t uniq(struct world *w, uint64_t space, uint64_t idx)
{
	return synth_perm_fwd(&w->uniq_perm, (space * 0x100000000ULL + idx) % w->uniq_perm.n);
}

static void gen_phone(struct world *w, struct synth_rng *r, struct ident_src *s, int hk,
	uint64_t space, uint64_t idx)
{
	uint64_t u = uniq(w, space, idx);

	s->kind = ID_PHONE;
	if (hk)
		snprintf(s->national, sizeof(s->national), "%c%07llu", "569"[synth_rng_below(r, 3)],
			(unsigned long long)(u % 10000000));
	else
		snprintf(s->national, sizeof(s->national), "1%c%09llu",
			"3456789"[synth_rng_below(r, 7)], (unsigned long long)(u % 1000000000));
}

static void gen_email(
	struct world *w, struct synth_rng *r, struct ident_src *s, uint64_t space, uint64_t idx)
{
	size_t sn = synth_rng_below(r, N(surname_py)), gn = synth_rng_below(r, N(given_py));
	const char *dom = domains[synth_rng_below(r, N(domains))];

	s->kind = ID_EMAIL;
	snprintf(s->domain, sizeof(s->domain), "%s", dom);
	if (!strcmp(dom, "qq.com"))
		snprintf(s->local, sizeof(s->local), "%llu",
			(unsigned long long)(1000000000 + uniq(w, space, idx)));
	else
		snprintf(s->local, sizeof(s->local), "%s%s%llu", given_py[gn], surname_py[sn],
			(unsigned long long)uniq(w, space, idx));
}

/*
 * Addresses from the class "own" use house numbers 1..2999 and a value unique per index, so
 * two honest sellers never share a flat by accident; planted ones use 3000 and above.
 */
static void gen_addr(struct world *w, struct synth_rng *r, struct ident_src *s, int hk,
	uint64_t space, uint64_t idx, int own)
{
	uint64_t u = uniq(w, space, idx);

	s->kind = ID_ADDRESS;
	s->a.hk = hk;
	s->a.loc = (int)(u % (hk ? NHKLOCS : NLOCS));
	u /= hk ? NHKLOCS : NLOCS;
	s->a.num = own ? 1 + (int)(u % 2999) : 3000 + (int)synth_rng_below(r, 1000);
	u /= 2999;
	s->a.bld = 1 + (int)(u % 40);
	u /= 40;
	s->a.room = (2 + (int)(u % 40)) * 100 + 1 + (int)((u / 40) % (hk ? 26 : 14));
}

static void gen_device(struct synth_rng *r, struct ident_src *s)
{
	uint64_t a = synth_rng_next(r), b = synth_rng_next(r);

	s->kind = ID_DEVICE;
	/* A version-4 UUID, as advertising ids are. */
	a = (a & ~0xf000ULL) | 0x4000ULL;
	b = (b & ~(3ULL << 62)) | (2ULL << 62);
	snprintf(s->hex, sizeof(s->hex), "%016llx%016llx", (unsigned long long)a,
		(unsigned long long)b);
}

static void gen_payment(struct world *w, struct synth_rng *r, struct ident_src *s, int bank,
	uint64_t space, uint64_t idx)
{
	static const char *const bins[] = { "622202", "621700", "622848", "625807", "438088",
		"518710" };
	char body[48]; /* room for what snprintf may write; the digits used are fewer */
	uint64_t u = uniq(w, space, idx);
	size_t n;

	s->kind = ID_PAYMENT;
	snprintf(s->type, sizeof(s->type), "%s", bank ? "bank" : "card");
	if (bank)
		snprintf(body, sizeof(body), "62%04llu%03llu%09llu",
			(unsigned long long)synth_rng_below(r, 10000),
			(unsigned long long)synth_rng_below(r, 1000), (unsigned long long)u);
	else
		snprintf(body, sizeof(body), "%s%09llu", bins[synth_rng_below(r, N(bins))],
			(unsigned long long)u);
	n = strlen(body);
	body[n] = (char)('0' + synth_luhn_digit(body));
	body[n + 1] = 0;
	snprintf(s->digits, sizeof(s->digits), "%s", body);
}

/*
 * variant bits: 1 building 幢, 2 building 座, 4 province suffix left off, 8 city suffix left off,
 * 16 sub-district left off, 32 full-width digits, 64 room 房, 128 spaces between parts.
 * Latin (Hong Kong): 1 Unit for Flat, 2 abbreviated street type, 4 HK, 8 no commas, 16 capitals.
 */
static void spell_addr(struct buf *out, const struct addr *a, unsigned v)
{
	struct buf t = { 0 };

	if (a->coarse) {
		/* no street at all: what a seller form with city and postcode fields keeps */
		if (a->hk)
			buf_addf(out, "%s%s%s", hklocs[a->loc].district, v & 8 ? " " : ", ",
				v & 4 ? "HK" : "Hong Kong");
		else
			buf_addf(out, "%s%s%s%s%03d", locs[a->loc].prov,
				!strcmp(locs[a->loc].prov, locs[a->loc].city) ? ""
									      : locs[a->loc].city,
				locs[a->loc].district, v & 128 ? " " : "",
				locs[a->loc].zip * 1000 + a->num);
		return;
	}
	if (a->hk) {
		const struct hkloc *h =
			a->twin ? &twin_streets[a->loc][a->twin - 1] : &hklocs[a->loc];
		const char *type = h->type, *sep = v & 8 ? " " : ", ";
		char room[16];

		snprintf(room, sizeof(room), "%d%c", a->room / 100, 'A' + (a->room % 100) - 1);
		if (v & 2)
			type = !strcmp(type, "Road") ? (v & 32 ? "Rd" : "Rd.")
						     : (v & 32 ? "St" : "St.");
		buf_addf(&t, "%s %s%s%d %s %s%s%s%s%s", v & 1 ? "Unit" : "Flat", room, sep, a->num,
			h->name, type, sep, h->district, sep, v & 4 ? "HK" : "Hong Kong");
		if (v & 16)
			for (size_t i = 0; i < t.len; i++)
				if (t.s[i] >= 'a' && t.s[i] <= 'z')
					t.s[i] = (char)(t.s[i] - 32);
		buf_add(out, t.s, t.len);
		buf_free(&t);
		return;
	}
	const struct loc *l = &locs[a->loc];
	const char *sp = v & 128 ? " " : "";
	int muni = !strcmp(l->prov, l->city);
	char num[64];

	if (muni) {
		buf_add(&t, l->city, strlen(l->city) - ((v & 12) ? 3 : 0));
	} else {
		buf_add(&t, l->prov, strlen(l->prov) - (v & 4 ? 3 : 0));
		buf_add(&t, l->city, strlen(l->city) - (v & 8 ? 3 : 0));
	}
	buf_adds(&t, sp);
	buf_adds(&t, l->district);
	if (!(v & 16))
		buf_adds(&t, l->street);
	buf_adds(&t, sp);
	buf_adds(&t, l->road);
	snprintf(num, sizeof(num), "%d号%s%d%s%s%d%s", a->num, sp, a->bld,
		v & 1           ? "幢"
			: v & 2 ? "座"
				: "栋",
		sp, a->room, v & 64 ? "房" : "室");
	if (v & 32)
		add_fullwidth_digits(&t, num);
	else
		buf_adds(&t, num);
	buf_add(out, t.s, t.len);
	buf_free(&t);
}

/*
 * Spell identifier s as one holder types it; variant comes from the holder's own dice. For a
 * phone, bit 16 of variant asks for a spelling with the country code.
 */
static void spell(struct buf *out, const struct ident_src *s, unsigned variant)
{
	switch (s->kind) {
	case ID_PHONE:
		synth_phone_spell(out, s->national, (int)(variant & 0xffff), (int)(variant >> 16));
		break;
	case ID_EMAIL:
		synth_email_spell(out, s->local, s->domain, (int)variant);
		break;
	case ID_ADDRESS:
		spell_addr(out, &s->a, variant);
		break;
	case ID_DEVICE:
		synth_device_spell(out, s->hex, (int)variant);
		break;
	default:
		synth_number_spell(out, s->digits, (int)variant);
		break;
	}
}

/* The canonical value of s, as truth.json lists it (see casekit-synth(1)). */
static void canon(struct buf *out, const struct ident_src *s)
{
	switch (s->kind) {
	case ID_PHONE:
		buf_addf(out, "+%s%s", strlen(s->national) == 8 ? "852" : "86", s->national);
		break;
	case ID_EMAIL:
		synth_email_canon(out, s->local, s->domain);
		break;
	case ID_ADDRESS:
		spell_addr(out, &s->a, 0);
		break;
	case ID_DEVICE:
		buf_adds(out, s->hex);
		break;
	default:
		buf_adds(out, s->digits);
		break;
	}
}

/* The k-th shared identifier of operation j; its kind cycles so that neighbours differ. */
static void op_shared(struct world *w, size_t j, unsigned k, struct ident_src *s)
{
	const struct op *op = &w->ops[j];
	struct synth_rng r;
	int kind = (int)((k + op->rot) % NIDKINDS);
	uint64_t idx = op->first_slot + k;

	rng_for(&r, w->o->seed, 20, idx);
	memset(s, 0, sizeof(*s));
	switch (kind) {
	case ID_PHONE:
		gen_phone(w, &r, s, op->hk && synth_rng_below(&r, 2), 1, idx);
		break;
	case ID_EMAIL:
		gen_email(w, &r, s, 2, idx);
		break;
	case ID_ADDRESS:
		gen_addr(w, &r, s, op->hk, 3, idx, 0);
		break;
	case ID_DEVICE:
		gen_device(&r, s);
		break;
	default:
		gen_payment(w, &r, s, (int)synth_rng_below(&r, 2), 4, idx);
		break;
	}
}

/* Member rank takes shared identifiers rank % K and (rank + 1) % K: a chain that joins them all. */
static int op_holds(const struct op *op, unsigned rank, unsigned k)
{
	return rank % op->nshared == k || (rank + 1) % op->nshared == k;
}

static unsigned pick_op_size(struct synth_rng *r)
{
	unsigned p = (unsigned)synth_rng_below(r, 100);

	if (p < 60)
		return 3 + (unsigned)synth_rng_below(r, 4);
	if (p < 85)
		return 7 + (unsigned)synth_rng_below(r, 6);
	if (p < 96)
		return 13 + (unsigned)synth_rng_below(r, 12);
	return 25 + (unsigned)synth_rng_below(r, 16);
}

static const char *city_short(struct buf *tmp, const struct loc *l);

static char *party_addr(struct world *w, struct synth_rng *r, size_t idx)
{
	struct ident_src s = { 0 };
	struct buf b = { 0 };

	gen_addr(w, r, &s, w->party_loc == -2, 5, idx, 0);
	if (w->party_loc >= 0)
		s.a.loc = w->party_loc;
	spell(&b, &s, 0);
	return buf_detach(&b);
}

static void add_party(struct world *w, struct synth_rng *r, const char *kind, char *name)
{
	struct party *p = &w->parties[w->nparties];
	struct ident_src s = { 0 };
	struct buf b = { 0 };

	snprintf(p->id, sizeof(p->id), "P%05zu", w->nparties + 1);
	p->kind = kind;
	p->name = name;
	gen_phone(w, r, &s, 0, 6, w->nparties);
	spell(&b, &s, (unsigned)synth_rng_below(r, 8));
	p->phone = buf_detach(&b);
	gen_email(w, r, &s, 7, w->nparties);
	snprintf(s.domain, sizeof(s.domain), "%s", "163.com");
	spell(&b, &s, 0);
	p->email = buf_detach(&b);
	p->address = party_addr(w, r, w->nparties);
	w->party_loc = -1;
	w->nparties++;
}

/* A city for a party's name; its address will be in that city too. */
static const char *party_city(struct world *w, struct synth_rng *r, struct buf *tmp)
{
	w->party_loc = (int)synth_rng_below(r, NLOCS);
	return city_short(tmp, &locs[w->party_loc]);
}

static const char *city_short(struct buf *tmp, const struct loc *l)
{
	buf_reset(tmp);
	buf_add(tmp, l->city, strlen(l->city) - 3);
	return tmp->s;
}

static void build_world(struct world *w)
{
	const struct synth_opts *o = w->o;
	uint64_t n = o->sellers, target = n >= 10 ? (n * 4 + 99) / 100 : 0, used = 0;
	struct synth_rng r;
	struct buf t = { 0 }, c = { 0 };
	size_t cap = 0, i;

	if (target && target < 3)
		target = 3;
	synth_perm_init(&w->seller_perm, n, mix3(o->seed, 1, 0));
	synth_perm_init(&w->uniq_perm, 1000000000ULL, mix3(o->seed, 2, 0));
	rng_for(&r, o->seed, 3, 0);
	while (used < target && used + 3 <= n) {
		struct op *op;
		unsigned size = pick_op_size(&r);

		if (used + size > n)
			size = (unsigned)(n - used);
		if (w->nops == cap)
			w->ops = xrealloc(w->ops, (cap = cap ? 2 * cap : 16) * sizeof(*w->ops));
		op = &w->ops[w->nops++];
		op->first_slot = used;
		op->size = size;
		op->nshared = size < 4 ? 2 : (size + 1) / 2;
		if (op->nshared % NIDKINDS == 1)
			op->nshared++; /* the chain wraps: keep the last and first kinds apart */
		op->rot = (unsigned)synth_rng_below(&r, NIDKINDS);
		op->hk = synth_rng_below(&r, 100) < 25;
		op->born = T0 - 200 * DAY + (int64_t)synth_rng_below(&r, 420) * DAY;
		used += size;
	}
	for (i = 0; i < w->nops; i++) {
		struct op *op = &w->ops[i];
		struct synth_rng h;
		unsigned d;

		rng_for(&h, o->seed, 22, i);
		snprintf(op->office_ip, sizeof(op->office_ip), "%d.%d.%d.%d",
			ip_firsts[synth_rng_below(&h, N(ip_firsts))], (int)synth_rng_below(&h, 256),
			(int)synth_rng_below(&h, 256), 1 + (int)synth_rng_below(&h, 254));
		/* Office days come after the last member registered (born + 90 days at most). */
		int64_t first = op->born + 91 * DAY;

		if (first > T1 - 10 * DAY)
			first = T1 - 10 * DAY;
		for (d = 0; d < 4; d++)
			op->office_day[d] = first +
				(int64_t)synth_rng_below(&h, (uint64_t)((T1 - first) / DAY)) * DAY;
		op->brand[0] = (unsigned)synth_rng_below(&h, NBRANDS);
		op->brand[1] = (unsigned)synth_rng_below(&h, NBRANDS);
		op->stem = (unsigned)synth_rng_below(&h, N(shop_word_zh));
		snprintf(op->wechat, sizeof(op->wechat), "wxid_%c%c%c%c%llu",
			'a' + (int)synth_rng_below(&h, 26), 'a' + (int)synth_rng_below(&h, 26),
			'a' + (int)synth_rng_below(&h, 26), 'a' + (int)synth_rng_below(&h, 26),
			(unsigned long long)synth_rng_below(&h, 1000000));
	}
	w->op_slots = used;
	w->near_pairs = n >= 20 ? (size_t)(n / 200 ? n / 200 : 1) : 0;
	if (w->op_slots + 2 * w->near_pairs > n)
		w->near_pairs = 0;

	/*
	 * Parties: a carrier hub, a forwarder, a payment aggregator, then the chains. Counterfeit
	 * factories each feed one or two operations, each operation through two warehouses of its
	 * own; material suppliers feed counterfeit and honest factories alike, and half of the
	 * counterfeit factories have a packaging supplier that feeds them alone (it looks as
	 * specific as the factory); honest factories feed the honest distributors.
	 */
	w->nsuppliers = w->nops / 4 + 2;
	w->nfactories = w->nops ? (w->nops * 2 + 2) / 3 : 1;
	w->npack = (w->nfactories + 1) / 2;
	w->nhonest = w->nops / 4 + 2;
	w->ndistrib = n / 1000 + 2;
	w->parties = xcalloc(P_FIXED + w->nsuppliers + w->npack + w->nfactories + w->nhonest +
			2 * w->nops + w->ndistrib,
		sizeof(*w->parties));
	rng_for(&r, o->seed, 4, 0);
	w->party_loc = 3; /* Guangzhou, on the airport road: the South China hub */
	add_party(w, &r, "carrier", xstrdup("迅达快运华南转运中心"));
	add_party(w, &r, "forwarder", xstrdup("顺达国际货运代理（深圳）有限公司"));
	add_party(w, &r, "payment_aggregator", xstrdup("汇付通支付服务有限公司"));
	gen_addr(w, &r, &w->fwd_addr, 0, 8, 0, 0);
	w->fwd_addr.a.loc = 1; /* the forwarders' district of Shenzhen, by the airport */
	free(w->parties[P_FORWARDER].address);
	spell(&t, &w->fwd_addr, 0);
	w->parties[P_FORWARDER].address = buf_detach(&t);
	gen_payment(w, &r, &w->agg_account, 1, 9, 0);
	for (i = 0; i < 8; i++)
		snprintf(w->cgnat[i], sizeof(w->cgnat[i]), "100.%d.%d.%d",
			64 + (int)synth_rng_below(&r, 64), (int)synth_rng_below(&r, 256),
			1 + (int)synth_rng_below(&r, 254));
	static const char *const mat[] = { "皮革", "五金配件", "织唛标签", "鞋底", "表壳", "辅料" };
	w->first_supplier = w->nparties;
	for (i = 0; i < w->nsuppliers; i++)
		add_party(w, &r, "supplier",
			xasprintf("%s%s材料厂", party_city(w, &r, &c),
				mat[synth_rng_below(&r, N(mat))]));
	w->first_pack = w->nparties;
	for (i = 0; i < w->npack; i++)
		add_party(w, &r, "supplier",
			xasprintf("%s%s包装制品厂", party_city(w, &r, &c),
				shop_word_zh[synth_rng_below(&r, N(shop_word_zh))]));
	static const char *const fac[] = { "皮具厂", "鞋业有限公司", "服饰加工厂", "钟表配件厂",
		"电子厂" };
	w->first_factory = w->nparties;
	for (i = 0; i < w->nfactories + w->nhonest; i++) {
		struct party *f;
		unsigned k;

		if (i == w->nfactories)
			w->first_honest = w->nparties;
		add_party(w, &r, "factory",
			xasprintf("%s%s%s", party_city(w, &r, &c),
				shop_word_zh[synth_rng_below(&r, N(shop_word_zh))],
				fac[synth_rng_below(&r, N(fac))]));
		f = &w->parties[w->nparties - 1];
		f->nsup = 1 + (unsigned)synth_rng_below(&r, 2);
		for (k = 0; k < f->nsup; k++)
			f->sup[k] =
				(unsigned)(w->first_supplier + synth_rng_below(&r, w->nsuppliers));
		if (f->nsup == 2 && f->sup[1] == f->sup[0])
			f->nsup = 1;
		if (i < w->nfactories && i % 2 == 0)
			f->sup[f->nsup++] = (unsigned)(w->first_pack + i / 2);
	}
	w->nhonest = w->nparties - w->first_honest;
	{
		/*
		 * The first factories each feed one operation; each of the others feeds a second
		 * one, drawn without replacement, so no factory feeds more than two.
		 */
		size_t *pick = xmalloc((w->nfactories + 1) * sizeof(*pick)), j;

		for (j = 0; j < w->nfactories; j++)
			pick[j] = j;
		for (i = 0; i < w->nops; i++) {
			if (i < w->nfactories) {
				w->ops[i].factory = (unsigned)(w->first_factory + i);
				continue;
			}
			j = (i - w->nfactories) +
				synth_rng_below(&r, w->nfactories - (i - w->nfactories));
			size_t tmp = pick[j];

			pick[j] = pick[i - w->nfactories];
			pick[i - w->nfactories] = tmp;
			w->ops[i].factory = (unsigned)(w->first_factory + tmp);
		}
		free(pick);
	}
	w->first_wh = w->nparties;
	for (i = 0; i < w->nops; i++) {
		static const char *const no_zh[] = { "一号仓", "二号仓" };
		const char *city = NULL;
		unsigned k;

		/* Both warehouses of an operation are in one city, under one trading company. */
		if (!w->ops[i].hk)
			city = party_city(w, &r, &c);
		int loc = w->party_loc;
		const char *word = shop_word_zh[synth_rng_below(&r, N(shop_word_zh))];
		const char *en = shop_word_en[synth_rng_below(&r, N(shop_word_en))];
		const char *sur = surname_hk[synth_rng_below(&r, N(surname_hk))];

		for (k = 0; k < 2; k++) {
			w->ops[i].wh[k] = (unsigned)w->nparties;
			w->party_loc = w->ops[i].hk ? -2 : loc;
			if (w->ops[i].hk)
				add_party(w, &r, "warehouse",
					xasprintf("%s %s Trading (HK) Limited Warehouse %u", en,
						sur, k + 1));
			else
				add_party(w, &r, "warehouse",
					xasprintf("%s%s贸易有限公司%s", city, word, no_zh[k]));
		}
	}
	w->first_distrib = w->nparties;
	for (i = 0; i < w->ndistrib; i++)
		add_party(w, &r, "distributor",
			xasprintf("%s%s供应链有限公司", party_city(w, &r, &c),
				shop_word_zh[synth_rng_below(&r, N(shop_word_zh))]));
	buf_free(&t);
	buf_free(&c);
}

/* The operation that holds a slot, by binary search over the slot ranges. */
static size_t op_of_slot(const struct world *w, uint64_t slot)
{
	size_t lo = 0, hi = w->nops;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (w->ops[mid].first_slot <= slot)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void seller_id(char out[24], uint64_t i)
{
	snprintf(out, 24, "S%07llu", (unsigned long long)(i + 1));
}

static int64_t rand_time(struct synth_rng *r, int64_t from, int64_t to)
{
	if (to <= from)
		return from;
	return from + (int64_t)synth_rng_below(r, (uint64_t)(to - from));
}

/* ---- the fixed files: brands, parties and the upstream shipments ---- */

static int write_brands(struct world *w)
{
	struct sink *k = &w->out[K_BRANDS];
	size_t b;
	int c, cur, rc = 0;

	for (b = 0; b < NBRANDS; b++)
		for (c = 0; c < 4 && brands[b].cats[c] >= 0; c++)
			for (cur = 0; cur < 2; cur++) {
				long ref = brands[b].ref_cny[c];

				fld(k, brands[b].name);
				fld(k, brands[b].aliases);
				fld(k, cat_name[brands[b].cats[c]]);
				fld_money(k, cur ? ref * 10 / CNY_PER_USD_X10 / 100 * 100 : ref);
				fld(k, cur ? "USD" : "CNY");
				fld(k, brands[b].holder);
				rc |= row_end(k);
			}
	return rc;
}

static int ship(struct world *w, struct synth_rng *r, const struct party *from, const char *to_id,
	const char *to_name, const char *to_addr, const char *goods, int qty, int64_t value,
	int64_t at)
{
	struct sink *k = &w->out[K_SHIPMENTS];

	fld_id(k, "SH", ++w->next_ship, 8);
	fld(k, from->id);
	fld(k, from->name);
	fld(k, from->address);
	fld(k, to_id);
	fld(k, to_name);
	fld(k, to_addr);
	fld(k, w->parties[P_CARRIER].name);
	fld_id(k, "XD", synth_rng_next(r) % 1000000000000ULL, 12);
	fld(k, goods);
	fld_id(k, "", (uint64_t)qty, 1);
	fld_money(k, value);
	fld(k, "CNY");
	fld_time(k, at);
	return row_end(k);
}

static int write_parties(struct world *w)
{
	struct sink *k = &w->out[K_PARTIES];
	struct synth_rng r;
	size_t i, j;
	int rc = 0;

	for (i = 0; i < w->nparties; i++) {
		struct party *p = &w->parties[i];

		fld(k, p->id);
		fld(k, p->kind);
		fld(k, p->name);
		fld(k, p->phone);
		fld(k, p->email);
		fld(k, p->address);
		rc |= row_end(k);
	}
	/*
	 * Suppliers ship materials and packaging (named in English or Chinese) to factories;
	 * counterfeit factories ship finished goods to both warehouses of each operation they
	 * feed; honest factories ship to the distributors.
	 */
	static const char *const mats[][2] = { { "PU leather rolls", "PU皮革卷料" },
		{ "zinc alloy hardware", "锌合金五金配件" }, { "woven logo labels", "织唛标签" },
		{ "rubber shoe soles", "橡胶鞋底" }, { "watch cases", "表壳配件" },
		{ "zipper pulls and buckles", "拉链头及扣件" } };
	static const char *const packs[][2] = { { "printed gift boxes", "印刷礼盒" },
		{ "dust bags", "防尘袋" }, { "hang tags and cards", "吊牌" },
		{ "shipping cartons", "纸箱" } };
	rng_for(&r, w->o->seed, 5, 0);
	for (i = 0; i < w->nfactories + w->nhonest; i++) {
		struct party *f = &w->parties[w->first_factory + i];

		for (j = 0; j < f->nsup; j++) {
			struct party *s = &w->parties[f->sup[j]];
			int pack = f->sup[j] >= w->first_pack && f->sup[j] < w->first_factory;
			unsigned m = 2 + (unsigned)synth_rng_below(&r, 3), zh;

			while (m--) {
				zh = (unsigned)synth_rng_below(&r, 2);
				rc |= ship(w, &r, s, f->id, f->name, f->address,
					pack ? packs[synth_rng_below(&r, N(packs))][zh]
					     : mats[synth_rng_below(&r, N(mats))][zh],
					500 + (int)synth_rng_below(&r, 5000),
					100000 + (int64_t)synth_rng_below(&r, 5000000),
					rand_time(&r, T0 - 300 * DAY, T1 - 60 * DAY));
			}
		}
	}
	for (i = 0; i < w->nops; i++) {
		struct party *f = &w->parties[w->ops[i].factory];

		for (j = 0; j < 2; j++) {
			struct party *t = &w->parties[w->ops[i].wh[j]];
			unsigned m = 2 + (unsigned)synth_rng_below(&r, 3);

			while (m--)
				rc |= ship(w, &r, f, t->id, t->name, t->address,
					cat_en[synth_rng_below(&r, NCATS)][0],
					200 + (int)synth_rng_below(&r, 3000),
					200000 + (int64_t)synth_rng_below(&r, 8000000),
					rand_time(&r, T0 - 200 * DAY, T1 - 30 * DAY));
		}
	}
	for (i = 0; i < w->ndistrib; i++) {
		struct party *d = &w->parties[w->first_distrib + i];
		unsigned m = 2 + (unsigned)synth_rng_below(&r, 3);

		while (m--) {
			struct party *f =
				&w->parties[w->first_honest + synth_rng_below(&r, w->nhonest)];

			rc |= ship(w, &r, f, d->id, d->name, d->address,
				cat_en[synth_rng_below(&r, NCATS)][0],
				200 + (int)synth_rng_below(&r, 3000),
				200000 + (int64_t)synth_rng_below(&r, 8000000),
				rand_time(&r, T0 - 200 * DAY, T1 - 30 * DAY));
		}
	}
	return rc;
}

/* ---- one seller and everything that hangs from it ---- */

struct seller {
	uint64_t idx;
	char id[24];
	int role; /* 0 honest, 1 operation member, 2 near miss */
	size_t op;
	unsigned rank;
	int hk, lone, zh;
	char *address, *name;
	int64_t reg;
	int uses_fwd, uses_agg, uses_zero, cgnat;
};

static void listing_title(
	struct buf *t, struct synth_rng *r, const struct brand *b, int cat, int zh, int cf)
{
	static const char cyr_from[] = "aceopxyABCEHKMOPTX";
	static const char *const cyr_to[] = { "а", "с", "е", "о", "р", "х", "у", "А", "В", "С", "Е",
		"Н", "К", "М", "О", "Р", "Т", "Х" };
	const char *noun =
		zh ? cat_zh[cat][synth_rng_below(r, 3)] : cat_en[cat][synth_rng_below(r, 3)];
	const char *alias_end = strchr(b->aliases, '|');
	unsigned form = cf ? (unsigned)synth_rng_below(r, 8) : 0;
	size_t i, n, pos;
	char nm[64];

	/* Look-alike spellings work on the ASCII name, so that no UTF-8 sequence is split. */
	snprintf(nm, sizeof(nm), "%s", form && !strcmp(b->name, "Hermès") ? "Hermes" : b->name);
	n = strlen(nm);
	if (zh && (!cf || synth_rng_below(r, 2)))
		buf_add(t, b->aliases,
			alias_end ? (size_t)(alias_end - b->aliases) : strlen(b->aliases));
	else
		switch (form) {
		case 1: /* one Cyrillic homoglyph */
			for (i = 0; i < 8; i++) {
				pos = synth_rng_below(r, n);
				const char *f = strchr(cyr_from, nm[pos]);

				if (nm[pos] && f) {
					buf_add(t, nm, pos);
					buf_adds(t, cyr_to[f - cyr_from]);
					buf_adds(t, nm + pos + 1);
					break;
				}
			}
			if (i == 8)
				buf_adds(t, nm);
			break;
		case 2: /* full-width letters */
			for (i = 0; i < n; i++) {
				unsigned char ch = (unsigned char)nm[i];

				if (ch > 0x20 && ch < 0x7f) {
					unsigned cp = 0xff01 + (ch - 0x21);

					buf_addc(t, (char)(0xe0 | (cp >> 12)));
					buf_addc(t, (char)(0x80 | ((cp >> 6) & 0x3f)));
					buf_addc(t, (char)(0x80 | (cp & 0x3f)));
				} else {
					buf_addc(t, (char)ch);
				}
			}
			break;
		case 3: /* a typo: a letter doubled or dropped */
			pos = 1 + synth_rng_below(r, n - 1);
			buf_add(t, nm, pos);
			if (synth_rng_below(r, 2))
				buf_addc(t, nm[pos - 1]);
			else
				pos++;
			if (pos <= n)
				buf_adds(t, nm + pos);
			break;
		case 4: /* digits for letters */
			for (i = 0; i < n; i++) {
				char ch = nm[i];

				buf_addc(t,
					ch == 'o' || ch == 'O'           ? '0'
						: ch == 'i' || ch == 'l' ? '1'
						: ch == 'e'              ? '3'
									 : ch);
			}
			break;
		case 5: /* spaced letters */
			for (i = 0; i < n; i++) {
				if (i && nm[i] != ' ')
					buf_addc(t, ' ');
				if (nm[i] != ' ')
					buf_addc(t,
						(char)(nm[i] >= 'a' && nm[i] <= 'z' ? nm[i] - 32
										    : nm[i]));
			}
			break;
		default:
			buf_adds(t, nm);
			break;
		}
	buf_addc(t, ' ');
	if (cf && synth_rng_below(r, 5)) {
		buf_adds(t,
			zh ? cf_zh[synth_rng_below(r, N(cf_zh))]
			   : cf_en[synth_rng_below(r, N(cf_en))]);
		buf_addc(t, ' ');
	}
	buf_adds(t, noun);
	if (cf && synth_rng_below(r, 3))
		buf_adds(t, zh ? " 顶级品质 支持验货" : " top quality fast shipping");
	else if (!cf)
		buf_adds(t, zh ? " 正品 专柜同步" : " authentic, with receipt");
}

enum {
	L_GENERIC,
	L_GENUINE,
	L_COUNTERFEIT,
	L_TRAP_BATTERY,
	L_TRAP_SCALE,
	L_TRAP_JERSEY,
	L_TRAP_PLANT,
	L_TRAP_COMPAT
};

static int write_listing(struct world *w, struct seller *s, struct synth_rng *r)
{
	struct sink *k = &w->out[K_LISTINGS];
	struct buf title = { 0 }, img = { 0 };
	const struct brand *b = NULL;
	int kind, cat = 0, zh, rc = 0, removed = 0;
	unsigned p = (unsigned)synth_rng_below(r, 100);
	int64_t price, created, notice_at = 0;
	const char *cur;
	const char *lid;
	unsigned norders, q;

	if (s->role == 1 ? p < 85 : s->lone ? p < 60 : 0)
		kind = L_COUNTERFEIT;
	else if ((p = (unsigned)synth_rng_below(r, 100)) < 70)
		kind = L_GENERIC;
	else if (p < 88)
		kind = L_GENUINE;
	else
		kind = L_TRAP_BATTERY + (int)synth_rng_below(r, 5);
	zh = w->o->zh && w->o->en
		? (s->zh ? synth_rng_below(r, 100) < 80 : synth_rng_below(r, 100) < 20)
		: w->o->zh;
	cur = zh ? "CNY" : "USD";
	buf_reset(&w->lid);
	buf_adds(&w->lid, "L");
	add_u64(&w->lid, ++w->next_listing, 8);
	lid = w->lid.s;
	created = rand_time(r, s->reg > T0 ? s->reg : T0, T1 - DAY);

	if (kind == L_GENUINE || kind == L_COUNTERFEIT) {
		unsigned c;

		/* An operation sticks to the two brands its factory copies. */
		if (kind == L_COUNTERFEIT && s->role == 1 && synth_rng_below(r, 5))
			b = &brands[w->ops[s->op].brand[synth_rng_below(r, 2)]];
		else
			b = &brands[synth_rng_below(r, NBRANDS)];
		for (c = 0; c < 4 && b->cats[c] >= 0; c++)
			;
		c = (unsigned)synth_rng_below(r, c);
		cat = b->cats[c];
		price = b->ref_cny[c];
		/* Counterfeits sell at 5-25 % of the reference, genuine goods at 85-110 %. */
		price = kind == L_COUNTERFEIT
			? price * (5 + (int64_t)synth_rng_below(r, 21)) / 100
			: price * (85 + (int64_t)synth_rng_below(r, 26)) / 100;
		listing_title(&title, r, b, cat, zh, kind == L_COUNTERFEIT);
		if (kind == L_COUNTERFEIT && s->role == 1 && synth_rng_below(r, 4) == 0)
			/* Sellers move buyers to chat: the contact sits in the picture, not the text. */
			buf_addf(&img, "%s %s", zh ? "加微信" : "WeChat", w->ops[s->op].wechat);
		else if (kind == L_COUNTERFEIT && synth_rng_below(r, 3) == 0)
			buf_addf(
				&img, "%s %s", b->name, zh ? "原单 带防尘袋" : "MADE IN ITALY AAA");
	} else if (kind == L_GENERIC) {
		size_t g = synth_rng_below(r, N(generic_zh));

		buf_adds(&title, zh ? generic_zh[g] : generic_en[g]);
		cat = g == 5 || g == 6     ? C_ELECTRONICS
			: g == 0 || g == 8 ? C_APPAREL
					   : C_ACCESSORIES;
		price = 1990 + (int64_t)synth_rng_below(r, 28000);
	} else {
		static const char *const compat_brand[] = { "Apple", "苹果" };

		switch (kind) {
		case L_TRAP_BATTERY:
			buf_adds(&title,
				zh ? "AAA 7号碱性电池 24粒装" : "AAA batteries alkaline 24 pack");
			cat = C_ELECTRONICS;
			price = 2990 + (int64_t)synth_rng_below(r, 2000);
			break;
		case L_TRAP_SCALE:
			buf_adds(&title,
				zh ? "1:1 比例 复古头盔模型 摆件"
				   : "1:1 scale model vintage helmet display prop");
			cat = C_ACCESSORIES;
			price = 29900 + (int64_t)synth_rng_below(r, 30000);
			break;
		case L_TRAP_JERSEY:
			b = &brands[3];
			buf_adds(&title,
				zh ? "阿迪达斯 官方授权 皇马 2025/26 主场球迷版 replica 球衣"
				   : "Adidas official licensed Real Madrid 2025/26 home replica jersey");
			cat = C_APPAREL;
			price = zh ? 59900 : 9000;
			break;
		case L_TRAP_PLANT:
			buf_adds(&title,
				zh ? "高仿真绿植 仿真花盆栽 客厅装饰"
				   : "高仿真 lifelike artificial plant, potted, 60cm");
			cat = C_ACCESSORIES;
			price = 3990 + (int64_t)synth_rng_below(r, 10000);
			break;
		default:
			b = &brands[6];
			buf_addf(&title,
				zh ? "适用于%s iPhone 15 硅胶手机壳"
				   : "Silicone case compatible with %s iPhone 15",
				compat_brand[zh]);
			cat = C_ELECTRONICS;
			price = 1990 + (int64_t)synth_rng_below(r, 3000);
			break;
		}
		if (!zh && kind != L_TRAP_JERSEY)
			price = price * 10 / CNY_PER_USD_X10;
	}
	if (!zh && (kind == L_GENUINE || kind == L_COUNTERFEIT || kind == L_GENERIC))
		price = price * 10 / CNY_PER_USD_X10;
	if (price < 100)
		price = 100;
	price = price / 10 * 10 - (synth_rng_below(r, 2) ? 10 : 0);
	if (price < 90)
		price = 90;

	/* A rights holder notices some counterfeits, and now and then a trap by mistake. */
	if (b &&
		(kind == L_COUNTERFEIT ? synth_rng_below(r, 100) < 6
				       : kind != L_GENERIC && synth_rng_below(r, 200) == 0)) {
		notice_at = rand_time(r, created + DAY, T1);
		removed = kind == L_COUNTERFEIT && synth_rng_below(r, 4) != 0;
	}
	fld(k, lid);
	fld(k, s->id);
	fld(k, title.s);
	/* Counterfeiters often leave the brand field empty to stay out of brand filters. */
	fld(k, b && (kind != L_COUNTERFEIT || synth_rng_below(r, 2)) ? b->name : NULL);
	fld(k, cat_name[cat]);
	fld_money(k, price);
	fld(k, cur);
	fld_time(k, created);
	fld(k, removed ? "removed" : "active");
	fld(k, img.s);
	fld_id(k, "https://market.example/item/L", w->next_listing, 8);
	rc |= row_end(k);
	if (w->notices) {
		struct synth_notice_listing nl = { lid, s->id,
			kind == L_COUNTERFEIT       ? SYNTH_L_COUNTERFEIT
				: kind == L_GENUINE ? SYNTH_L_GENUINE
				: kind == L_GENERIC ? SYNTH_L_GENERIC
						    : SYNTH_L_TRAP,
			b ? (int)(b - brands) : -1, s->role == 1 ? s->op + 1 : 0, created };

		synth_notices_listing(w->notices, &nl);
	}
	if (kind == L_COUNTERFEIT) {
		fprintf(w->cf_tmp, "%s\n", lid);
		w->ncf++;
	} else if (kind != L_GENERIC) {
		fprintf(w->trap_tmp, "%s\n", lid);
		w->ntrap++;
	}

	/* Orders: 1.6 per listing on average. */
	static const unsigned order_counts[] = { 0, 0, 1, 1, 1, 2, 2, 2, 3, 4 };
	norders = order_counts[synth_rng_below(r, N(order_counts))];
	struct sink *ko = &w->out[K_ORDERS];
	for (q = 0; q < norders; q++) {
		uint64_t buyer = synth_rng_below(r, w->o->sellers * 3 + 10);
		struct synth_rng br;
		struct ident_src a = { 0 };
		struct buf ad = { 0 };
		int qty = 1 + (synth_rng_below(r, 5) == 0 ? (int)synth_rng_below(r, 3) : 0);
		unsigned st = (unsigned)synth_rng_below(r, 100);

		/* A buyer lives at one address in every order. */
		rng_for(&br, w->o->seed, 30, buyer);
		gen_addr(w, &br, &a, 0, 10, buyer, 1);
		spell(&ad, &a, (unsigned)synth_rng_below(&br, 256));
		fld_id(ko, "O", ++w->next_order, 9);
		fld(ko, lid);
		fld(ko, s->id);
		fld_id(ko, "B", buyer + 1, 8);
		fld_id(ko, "", (uint64_t)qty, 1);
		fld_money(ko, price * qty);
		fld(ko, cur);
		fld_time(ko, rand_time(r, created, T1));
		fld(ko, ad.s);
		fld(ko,
			st < 80           ? "completed"
				: st < 90 ? "shipped"
				: st < 96 ? "refunded"
					  : "cancelled");
		rc |= row_end(ko);
		buf_free(&ad);
	}
	/* Test buys: brand investigators buy a few branded listings, with their own order. */
	if (b && synth_rng_below(r, 100) < (kind == L_COUNTERFEIT ? 4u : 1u)) {
		int64_t at = rand_time(r, created, T1 - 5 * DAY);
		char oid[24];

		snprintf(oid, sizeof(oid), "O%09llu", (unsigned long long)++w->next_order);
		fld(ko, oid);
		fld(ko, lid);
		fld(ko, s->id);
		fld_id(ko, "BX", 1 + synth_rng_below(r, 40), 4);
		fld(ko, "1");
		fld_money(ko, price);
		fld(ko, cur);
		fld_time(ko, at);
		fld(ko, "上海市徐汇区漕溪北路88号 品牌保护调查组");
		fld(ko, "completed");
		rc |= row_end(ko);
		struct sink *kt = &w->out[K_TESTBUYS];
		fld_id(kt, "T", ++w->next_testbuy, 7);
		fld(kt, lid);
		fld(kt, oid);
		fld_time(kt, at);
		fld_money(kt, price);
		fld(kt, cur);
		fld(kt, kind == L_COUNTERFEIT ? "counterfeit" : "genuine");
		fld_id(kt, "TB-2025-", w->next_testbuy, 6);
		rc |= row_end(kt);
	}
	if (notice_at) {
		struct sink *kn = &w->out[K_TAKEDOWNS];
		unsigned pending = synth_rng_below(r, 10) == 0;

		fld_id(kn, "N", ++w->next_notice, 7);
		fld(kn, b->holder);
		fld(kn, lid);
		fld_time(kn, notice_at);
		if (pending)
			fld(kn, NULL);
		else
			fld_time(kn, notice_at + DAY / 4 + (int64_t)synth_rng_below(r, 9 * DAY));
		fld(kn, pending ? "pending" : removed ? "removed" : "rejected");
		rc |= row_end(kn);
	}
	buf_free(&title);
	buf_free(&img);
	return rc;
}

static int write_seller(struct world *w, uint64_t i)
{
	struct synth_rng r;
	struct seller s = { 0 };
	struct ident_src phone = { 0 }, email = { 0 }, addr = { 0 }, sh;
	unsigned phone_intl = 0;
	struct buf ph = { 0 }, em = { 0 }, ad = { 0 }, ret = { 0 }, tmp = { 0 }, shop = { 0 };
	uint64_t slot = synth_perm_fwd(&w->seller_perm, i);
	struct sink *k;
	const struct op *op = NULL;
	unsigned nl, j, kk;
	int rc = 0;

	rng_for(&r, w->o->seed, 10, i);
	s.idx = i;
	seller_id(s.id, i);
	if (slot < w->op_slots) {
		s.role = 1;
		s.op = op_of_slot(w, slot);
		op = &w->ops[s.op];
		s.rank = (unsigned)(slot - op->first_slot);
		s.hk = op->hk;
		s.reg = op->born + (int64_t)synth_rng_below(&r, 90) * DAY +
			(int64_t)synth_rng_below(&r, DAY);
	} else {
		s.role = slot < w->op_slots + 2 * w->near_pairs ? 2 : 0;
		s.hk = synth_rng_below(&r, 100) < 12;
		s.lone = s.role == 0 && synth_rng_below(&r, 100) < 2;
		s.reg = rand_time(&r, T_START, T1 - 20 * DAY);
	}
	s.zh = !s.hk || synth_rng_below(&r, 3) == 0;

	/* The seller's own identifiers, then the operation's shared ones over them. */
	gen_phone(w, &r, &phone, s.hk, 11, i);
	gen_email(w, &r, &email, 12, i);
	gen_addr(w, &r, &addr, s.hk, 13, i, 1);
	if (s.role == 2) {
		/* Honest neighbours: one building, a different flat each. */
		uint64_t pair = (slot - w->op_slots) / 2, m = (slot - w->op_slots) % 2;
		struct synth_rng pr;

		rng_for(&pr, w->o->seed, 21, pair);
		gen_addr(w, &pr, &addr, 0, 14, pair, 0);
		addr.a.room += (int)(m * (1 + synth_rng_below(&pr, 3)));
	}
	if (s.role == 0 && !s.lone) {
		/*
		 * Harder addresses for honest sellers, from dice of their own so the rest of the
		 * dump stays as it was: a district and postcode with no street (strangers share
		 * them), and pairs of sellers at one number and flat on one street name in two
		 * districts (two buildings).
		 */
		struct synth_rng cr, tr;
		uint64_t pair = i / 2;

		rng_for(&cr, w->o->seed, 23, i);
		rng_for(&tr, w->o->seed, 24, pair);
		if (synth_rng_below(&cr, 100) < 6) {
			memset(&addr.a, 0, sizeof(addr.a));
			addr.a.coarse = 1;
			addr.a.hk = s.hk;
			addr.a.loc = (int)synth_rng_below(&cr, s.hk ? NHKLOCS : NLOCS);
			addr.a.num = (int)synth_rng_below(&cr, 20) * 10;
		} else if (synth_rng_below(&tr, 100) < 3) {
			gen_addr(w, &tr, &addr, 1, 15, pair, 1);
			addr.a.loc = (int)(pair % NTWINS);
			addr.a.twin = 1 + (int)(i & 1);
		}
	}
	if (op)
		for (kk = 0; kk < op->nshared; kk++) {
			if (!op_holds(op, s.rank, kk))
				continue;
			op_shared(w, s.op, kk, &sh);
			if (sh.kind == ID_PHONE) {
				phone = sh;
				/* A Hong Kong number written without 852 is no number anywhere else. */
				phone_intl = strlen(sh.national) == 8 ? 1 << 16 : 0;
			} else if (sh.kind == ID_EMAIL)
				email = sh;
			else if (sh.kind == ID_ADDRESS)
				addr = sh;
		}
	/*
	 * A gang types its shared mainland mobile as each account's owner would: with +86 or 0086,
	 * or national (178-6665-8722), as a real dump has them, so the values meet once normalised
	 * in China (ingest --country CN) and not before. A shared Hong Kong number keeps its code.
	 */
	spell(&ph, &phone, (unsigned)synth_rng_below(&r, 256) | phone_intl);
	spell(&em, &email, (unsigned)synth_rng_below(&r, 1024));
	spell(&ad, &addr, (unsigned)synth_rng_below(&r, 256));
	s.uses_fwd = synth_rng_below(&r, 100) < 12;
	if (s.uses_fwd) {
		spell(&ret, &w->fwd_addr, (unsigned)synth_rng_below(&r, 256));
		w->hub_holders[HUB_FWD]++;
	} else if (synth_rng_below(&r, 2)) {
		buf_adds(&ret, ad.s);
	}

	k = &w->out[K_SELLERS];
	fld(k, s.id);
	fld(k, synth_rng_below(&r, 4) ? "marketa" : "marketb");
	/* Half of a gang's shops carry its name and a number. */
	if (op && s.zh && synth_rng_below(&r, 2))
		buf_addf(&shop, "%s%u号店", shop_word_zh[op->stem], s.rank + 1);
	else if (op && synth_rng_below(&r, 2))
		buf_addf(
			&shop, "%s Store %u", shop_word_en[op->stem % N(shop_word_en)], s.rank + 1);
	else if (s.zh)
		buf_addf(&shop, "%s%s%s", s.hk ? "港货" : "",
			shop_word_zh[synth_rng_below(&r, N(shop_word_zh))],
			shop_type_zh[synth_rng_below(&r, N(shop_type_zh))]);
	else
		buf_addf(&shop, "%s %s", shop_word_en[synth_rng_below(&r, N(shop_word_en))],
			shop_type_en[synth_rng_below(&r, N(shop_type_en))]);
	fld(k, shop.s);
	if (s.hk)
		fldf(k, "%s %s", surname_hk[synth_rng_below(&r, N(surname_hk))],
			given_hk[synth_rng_below(&r, N(given_hk))]);
	else
		fldf(k, "%s%s", surname_zh[synth_rng_below(&r, N(surname_zh))],
			given_zh[synth_rng_below(&r, N(given_zh))]);
	fld_time(k, s.reg);
	fld(k, ph.s);
	fld(k, em.s);
	fld(k, ad.s);
	fld(k, ret.s);
	j = (unsigned)synth_rng_below(&r, 100);
	fld(k, j < 90 ? "active" : j < 97 ? "suspended" : "closed");
	rc |= row_end(k);

	/* Logins: the seller's own devices, the operation's shared ones, and the hubs. */
	struct ident_src dev[6];
	unsigned ndev = 1 + (unsigned)synth_rng_below(&r, 2), nip, d;
	char ips[3][16];

	for (d = 0; d < ndev; d++)
		gen_device(&r, &dev[d]);
	if (op)
		for (kk = 0; kk < op->nshared; kk++)
			if (op_holds(op, s.rank, kk)) {
				op_shared(w, s.op, kk, &sh);
				if (sh.kind == ID_DEVICE)
					dev[ndev++] = sh;
			}
	if ((s.uses_zero = synth_rng_below(&r, 100) < 8)) {
		memset(&dev[ndev], 0, sizeof(dev[ndev]));
		dev[ndev].kind = ID_DEVICE;
		memset(dev[ndev].hex, '0', 32);
		ndev++;
		w->hub_holders[HUB_ZERO]++;
	}
	nip = 1 + (unsigned)synth_rng_below(&r, 2);
	for (d = 0; d < nip; d++)
		snprintf(ips[d], sizeof(ips[d]), "%d.%d.%d.%d",
			ip_firsts[synth_rng_below(&r, N(ip_firsts))], (int)synth_rng_below(&r, 256),
			(int)synth_rng_below(&r, 256), 1 + (int)synth_rng_below(&r, 254));
	s.cgnat = synth_rng_below(&r, 100) < 10 ? 1 + (int)synth_rng_below(&r, 8) : 0;
	if (s.cgnat) {
		snprintf(ips[nip++], sizeof(ips[0]), "%s", w->cgnat[s.cgnat - 1]);
		w->hub_holders[HUB_CGNAT0 + s.cgnat - 1]++;
	}
	nl = 2 + (unsigned)synth_rng_below(&r, 6);
	if (nl < ndev)
		nl = ndev;
	if (nl < nip)
		nl = nip;
	k = &w->out[K_LOGINS];
	for (j = 0; j < nl; j++) {
		/* Every device and every address shows up at least once. */
		unsigned dv = j < ndev ? j : (unsigned)synth_rng_below(&r, ndev);
		unsigned ipn = j < nip ? j : (unsigned)synth_rng_below(&r, nip);

		fld(k, s.id);
		buf_reset(&tmp);
		spell(&tmp, &dev[dv], (unsigned)synth_rng_below(&r, 8));
		fld(k, tmp.s);
		fld(k, ips[ipn]);
		fld(k, user_agents[synth_rng_below(&r, N(user_agents))]);
		fld_time(k, rand_time(&r, s.reg > T0 ? s.reg : T0, T1));
		rc |= row_end(k);
	}
	if (op) {
		/* Members work from the gang's office now and then: one IP, on the same days. */
		unsigned m = 1 + (unsigned)synth_rng_below(&r, 3);

		while (m--) {
			fld(k, s.id);
			buf_reset(&tmp);
			spell(&tmp, &dev[synth_rng_below(&r, ndev)],
				(unsigned)synth_rng_below(&r, 8));
			fld(k, tmp.s);
			fld(k, op->office_ip);
			fld(k, user_agents[synth_rng_below(&r, N(user_agents))]);
			fld_time(k,
				op->office_day[synth_rng_below(&r, 4)] + 8 * 3600 +
					(int64_t)synth_rng_below(&r, 12 * 3600));
			rc |= row_end(k);
		}
	}

	/* Payout instruments. */
	struct ident_src pay[4];
	unsigned npay = 0;

	if (synth_rng_below(&r, 3))
		gen_payment(w, &r, &pay[npay++], (int)synth_rng_below(&r, 2), 15, i);
	if (op)
		for (kk = 0; kk < op->nshared; kk++)
			if (op_holds(op, s.rank, kk)) {
				op_shared(w, s.op, kk, &sh);
				if (sh.kind == ID_PAYMENT)
					pay[npay++] = sh;
			}
	if ((s.uses_agg = synth_rng_below(&r, 100) < 6)) {
		pay[npay++] = w->agg_account;
		w->hub_holders[HUB_AGG]++;
	}
	k = &w->out[K_PAYMENTS];
	if (!npay) {
		/* An Alipay account under the seller's own phone. */
		fld(k, s.id);
		fld(k, "alipay");
		fld(k, ph.s);
		fld(k, NULL);
		fld(k, "Alipay");
		fld_time(k, s.reg + DAY);
		rc |= row_end(k);
	}
	for (j = 0; j < npay; j++) {
		static const char *const banks[] = { "中国工商银行", "中国建设银行", "中国银行",
			"招商银行", "中国农业银行", "HSBC Hong Kong" };
		int agg = pay[j].digits[0] && !strcmp(pay[j].digits, w->agg_account.digits);

		fld(k, s.id);
		fld(k, pay[j].type);
		buf_reset(&tmp);
		spell(&tmp, &pay[j], (unsigned)synth_rng_below(&r, 3));
		fld(k, tmp.s);
		fld(k, agg ? w->parties[P_AGGREGATOR].name : NULL);
		fld(k, agg ? "招商银行" : banks[synth_rng_below(&r, N(banks))]);
		fld_time(k, rand_time(&r, s.reg, T1));
		rc |= row_end(k);
	}

	/* Listings with their orders, test buys and notices: 8 per seller on average. */
	nl = 1 + (unsigned)synth_rng_below(&r, 15);
	for (j = 0; j < nl; j++)
		rc |= write_listing(w, &s, &r);

	/*
	 * Goods coming in: an operation member from its warehouse (one of the two, now and then
	 * both), honest distributors, and the carrier hub that delivers to nearly every seller.
	 */
	static const char *const goods[] = { "handbags", "sneakers", "watches", "apparel",
		"accessories", "electronics", "perfume" };
	if (op) {
		unsigned m = 1 + (unsigned)synth_rng_below(&r, 3), wk = s.rank % 2;

		if (synth_rng_below(&r, 100) < 30)
			m++;
		while (m--) {
			rc |= ship(w, &r, &w->parties[op->wh[wk]], s.id, shop.s, ad.s,
				goods[synth_rng_below(&r, N(goods))],
				20 + (int)synth_rng_below(&r, 300),
				50000 + (int64_t)synth_rng_below(&r, 2000000),
				rand_time(&r, s.reg, T1));
			if (m == 1)
				wk ^= synth_rng_below(&r, 100) < 30;
		}
	}
	if (synth_rng_below(&r, 100) < (op ? 20u : 25u))
		rc |= ship(w, &r, &w->parties[w->first_distrib + synth_rng_below(&r, w->ndistrib)],
			s.id, shop.s, ad.s, goods[synth_rng_below(&r, N(goods))],
			5 + (int)synth_rng_below(&r, 100),
			20000 + (int64_t)synth_rng_below(&r, 500000), rand_time(&r, s.reg, T1));
	if (synth_rng_below(&r, 100) < 97)
		rc |= ship(w, &r, &w->parties[P_CARRIER], s.id, shop.s, ad.s, "parcels",
			1 + (int)synth_rng_below(&r, 20),
			5000 + (int64_t)synth_rng_below(&r, 100000), rand_time(&r, s.reg, T1));

	buf_free(&ph);
	buf_free(&em);
	buf_free(&ad);
	buf_free(&ret);
	buf_free(&tmp);
	buf_free(&shop);
	return rc;
}

/* ---- truth.json ---- */

static void json_str(FILE *fp, const char *s)
{
	putc('"', fp);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(fp, "\\u%04x", (unsigned)(unsigned char)*s);
		else
			putc(*s, fp);
	}
	putc('"', fp);
}

static void json_id_list(FILE *fp, FILE *tmp, const char *indent)
{
	char line[64];
	int first = 1;

	rewind(tmp);
	while (fgets(line, sizeof(line), tmp)) {
		line[strcspn(line, "\n")] = 0;
		fprintf(fp, "%s\n%s", first ? "" : ",", indent);
		json_str(fp, line);
		first = 0;
	}
}

static int write_truth(struct world *w)
{
	char *path = xasprintf("%s/truth.json", w->o->dir), *part = xasprintf("%s.part", path),
	     sid[24];
	FILE *fp = fopen(part, "w");
	struct ident_src sh;
	struct buf v = { 0 };
	size_t j, i;
	unsigned k, m;
	int rc = 0, werr;
	static const char *const hub_what[] = { "freight forwarder warehouse (return address)",
		"payment aggregator collection account", "all-zero advertising id" };

	if (!fp) {
		rc = ck_error(EX_CANTCREAT, "cannot create '%s': %s", part, strerror(errno));
		free(path);
		free(part);
		return rc;
	}
	fprintf(fp, "{\n  \"seed\": %llu,\n  \"sellers\": %llu,\n  \"operations\": [",
		(unsigned long long)w->o->seed, (unsigned long long)w->o->sellers);
	for (j = 0; j < w->nops; j++) {
		const struct op *op = &w->ops[j];

		fprintf(fp, "%s\n    {\"id\": \"OP%04zu\", \"sellers\": [", j ? "," : "", j + 1);
		for (m = 0; m < op->size; m++) {
			seller_id(sid, synth_perm_inv(&w->seller_perm, op->first_slot + m));
			fprintf(fp, "%s\"%s\"", m ? ", " : "", sid);
		}
		const struct party *f = &w->parties[op->factory];

		fprintf(fp,
			"],\n     \"factory\": \"%s\", \"warehouses\": [\"%s\", \"%s\"], "
			"\"decoys\": [",
			f->id, w->parties[op->wh[0]].id, w->parties[op->wh[1]].id);
		/* Upstream of the operation but not its factory: what trace must not put first. */
		for (k = 0; k < f->nsup; k++)
			fprintf(fp, "\"%s\", ", w->parties[f->sup[k]].id);
		fprintf(fp,
			"\"%s\"],\n     \"office_ip\": \"%s\", \"wechat\": \"%s\",\n"
			"     \"shared\": [",
			w->parties[P_CARRIER].id, op->office_ip, op->wechat);
		for (k = 0; k < op->nshared; k++) {
			op_shared(w, j, k, &sh);
			buf_reset(&v);
			canon(&v, &sh);
			fprintf(fp, "%s\n       {\"kind\": \"%s\", \"value\": ", k ? "," : "",
				idkind_name[sh.kind]);
			json_str(fp, v.s);
			fputs(", \"holders\": [", fp);
			for (m = 0, i = 0; m < op->size; m++)
				if (op_holds(op, m, k)) {
					seller_id(sid,
						synth_perm_inv(
							&w->seller_perm, op->first_slot + m));
					fprintf(fp, "%s\"%s\"", i++ ? ", " : "", sid);
				}
			fputs("]}", fp);
		}
		fputs("]}", fp);
	}
	fputs("\n  ],\n  \"counterfeit_listings\": [", fp);
	json_id_list(fp, w->cf_tmp, "    ");
	fputs("\n  ],\n  \"trap_listings\": [", fp);
	json_id_list(fp, w->trap_tmp, "    ");
	fputs("\n  ],\n  \"hubs\": [", fp);
	for (i = 0; i < NHUBS; i++) {
		struct ident_src zero = { .kind = ID_DEVICE };
		const char *kind = i == HUB_FWD ? "address_unit"
			: i == HUB_AGG          ? "payment"
			: i == HUB_ZERO         ? "device"
						: "ip";

		buf_reset(&v);
		if (i == HUB_FWD)
			canon(&v, &w->fwd_addr);
		else if (i == HUB_AGG)
			canon(&v, &w->agg_account);
		else if (i == HUB_ZERO) {
			memset(zero.hex, '0', 32);
			canon(&v, &zero);
		} else
			buf_adds(&v, w->cgnat[i - HUB_CGNAT0]);
		fprintf(fp, "%s\n    {\"kind\": \"%s\", \"value\": ", i ? "," : "", kind);
		json_str(fp, v.s);
		fprintf(fp,
			", \"holders\": %llu, \"what\": ", (unsigned long long)w->hub_holders[i]);
		json_str(fp, i < HUB_CGNAT0 ? hub_what[i] : "carrier-grade NAT address");
		putc('}', fp);
	}
	fputs("\n  ],\n  \"near_misses\": [", fp);
	for (i = 0; i < w->near_pairs; i++) {
		char b[24];

		seller_id(sid, synth_perm_inv(&w->seller_perm, w->op_slots + 2 * i));
		seller_id(b, synth_perm_inv(&w->seller_perm, w->op_slots + 2 * i + 1));
		fprintf(fp, "%s\n    [\"%s\", \"%s\"]", i ? "," : "", sid, b);
	}
	fprintf(fp,
		"\n  ],\n  \"carrier\": \"%s\",\n  \"forwarder\": \"%s\",\n"
		"  \"aggregator\": \"%s\"\n}\n",
		w->parties[P_CARRIER].id, w->parties[P_FORWARDER].id, w->parties[P_AGGREGATOR].id);
	buf_free(&v);
	werr = ferror(fp);
	if (fclose(fp) != 0 || werr)
		rc = ck_error(EX_IOERR, "cannot write '%s': %s", part, strerror(errno));
	else if (rename(part, path) != 0)
		rc = ck_error(EX_CANTCREAT, "cannot rename '%s' to '%s': %s", part, path,
			strerror(errno));
	if (rc)
		unlink(part);
	free(path);
	free(part);
	return rc;
}

static uint64_t rows_so_far(const struct world *w)
{
	uint64_t n = 0;
	size_t k;

	for (k = 0; k < NKINDS; k++)
		n += w->out[k].rows;
	return n;
}

int synth_run(const struct synth_opts *o, struct synth_stats *st)
{
	struct world w = { 0 };
	struct progress *pg;
	uint64_t i;
	size_t k;
	int rc = 0;
	char name[32];

	if (mkdir(o->dir, 0777) != 0 && errno != EEXIST)
		return ck_error(EX_CANTCREAT, "cannot create '%s': %s", o->dir, strerror(errno));
	w.o = o;
	w.party_loc = -1;
	build_world(&w);
	for (k = 0; k < NKINDS && !rc; k++) {
		snprintf(name, sizeof(name), "%s.csv", synth_kinds[k]);
		if (!(rc = sink_open(&w.out[k], o->dir, name, o->gzip))) {
			buf_adds(&w.out[k].b, headers[k]);
			buf_addc(&w.out[k].b, '\n');
		}
	}
	if (!rc && (!(w.cf_tmp = tmpfile()) || !(w.trap_tmp = tmpfile())))
		rc = ck_error(EX_CANTCREAT, "cannot create a temporary file: %s", strerror(errno));
	if (!rc) {
		static const char *names[NBRANDS], *holders[NBRANDS];

		for (k = 0; k < NBRANDS; k++)
			names[k] = brands[k].name, holders[k] = brands[k].holder;
		rc = synth_notices_open(&w.notices, o, names, holders, NBRANDS);
	}
	if (!rc)
		rc = write_brands(&w);
	if (!rc)
		rc = write_parties(&w);
	pg = progress_start("synth", o->sellers);
	for (i = 0; i < o->sellers && !rc; i++) {
		rc = write_seller(&w, i);
		if (i % 4096 == 0)
			progress_update(pg, i, rows_so_far(&w));
	}
	progress_end(pg);
	memset(st, 0, sizeof(*st));
	for (k = 0; k < NKINDS; k++) {
		st->rows[k] = w.out[k].rows;
		st->total += w.out[k].rows;
		int crc = sink_close(&w.out[k], !rc);

		if (crc && !rc)
			rc = crc;
	}
	{
		int nrc = synth_notices_close(w.notices, !rc, &st->notices);

		if (nrc && !rc)
			rc = nrc;
	}
	/* truth.json comes last: when it is there, the dump is complete. */
	if (!rc)
		rc = write_truth(&w);
	st->operations = w.nops;
	st->op_sellers = w.op_slots;
	if (w.cf_tmp)
		fclose(w.cf_tmp);
	if (w.trap_tmp)
		fclose(w.trap_tmp);
	for (k = 0; k < w.nparties; k++) {
		free(w.parties[k].name);
		free(w.parties[k].phone);
		free(w.parties[k].email);
		free(w.parties[k].address);
	}
	free(w.parties);
	buf_free(&w.lid);
	free(w.ops);
	return rc;
}
