/* test_screen.c - brand look-alikes, vocabulary with separators, guards, price and rule errors */
#include "casekit.h"
#include "screen.h"
#include <sys/stat.h>
#include <unistd.h>
#include <criterion/criterion.h>

static struct screen *sc;
static struct screen_result res;

static void setup(void)
{
	cr_assert_eq(screen_open(&sc, NULL), 0, "the shipped rules load (CASEKIT_DATADIR=%s)",
		ck_datadir());
	screen_market_done(sc);
}

static void teardown(void)
{
	screen_result_free(&res);
	screen_close(sc);
}

/* The reasons of a listing with this title (and brand field, category, price in USD cents). */
static const char *reasons_full(
	const char *title, const char *brand, const char *category, long long price)
{
	struct screen_listing l = { 0 };

	l.listing_id = "L1";
	l.seller_id = "S1";
	l.title = title;
	l.brand = brand;
	l.category = category;
	l.currency = "USD";
	l.price = price;
	l.has_price = price > 0;
	screen_score(sc, &l, NULL, &res);
	return res.reasons.s;
}

static const char *reasons(const char *title)
{
	return reasons_full(title, NULL, NULL, 0);
}

#define HAS(title, want) \
	cr_assert(strstr(reasons(title), want), "'%s' gave '%s', wanted '%s'", title, \
		res.reasons.s, want)
#define HASNT(title, unwanted) \
	cr_assert(!strstr(reasons(title), unwanted), "'%s' gave '%s', not wanted: '%s'", title, \
		res.reasons.s, unwanted)

TestSuite(screen, .init = setup, .fini = teardown);

Test(screen, cyrillic_homoglyph_is_an_imitation)
{
	HAS("Guссi Marmont bag", "brand~gucci(homoglyph)");
}

Test(screen, digit_for_letter_is_an_imitation)
{
	HAS("R0LEX submariner", "brand~rolex(leet)");
}

Test(screen, cyrillic_capital_homoglyph_is_an_imitation)
{
	/* В and Н fold to в and н, which look like no Latin letter: the upper-case key sees them */
	HAS("Вurberry mirror quality belt", "brand~burberry(homoglyph)");
	HAS("Нermes leather handbag", "brand~hermès(homoglyph)");
}

Test(screen, digits_for_letters_are_an_imitation)
{
	HAS("R013x 1:1 automatic watch", "brand~rolex(leet)");
	HAS("Cart13r men's watch", "brand~cartier(leet)");
	HAS("L0u1s Vu1tt0n 1:1 双肩包", "brand~louis_vuitton(leet)");
	HASNT("iPhone 15 128GB 2025", "leet");
}

Test(screen, typo_in_a_two_word_brand_is_an_imitation)
{
	HAS("Louis Vuittton belt", "brand~louis_vuitton(typo)");
	HAS("Lous Vuitton 钱包", "brand~louis_vuitton(typo)");
}

Test(screen, a_term_inside_a_longer_term_counts_once)
{
	HAS("Gucci super fake bag", "kw:super_fake");
	HASNT("Gucci super fake bag", "kw:fake");
}

Test(screen, price_in_another_currency_is_converted)
{
	struct screen_listing l = { 0 };

	/* The rules give Gucci shoes in USD only: 100 CNY is about 14 USD, 0.02 of 850 USD */
	l.title = "Gucci sneakers";
	l.brand = "Gucci";
	l.category = "shoes";
	l.currency = "CNY";
	l.price = 10000;
	l.has_price = 1;
	screen_score(sc, &l, NULL, &res);
	cr_assert(strstr(res.reasons.s, "price:0.02×ref"), "%s", res.reasons.s);
}

Test(screen, full_width_brand_is_the_brand)
{
	HAS("ＧＵＣＣＩ Marmont bag", "brand:gucci");
	HASNT("ＧＵＣＣＩ Marmont bag", "brand~");
}

Test(screen, spaced_letters_are_an_imitation)
{
	HAS("G U C C I belt", "brand~gucci(spaced)");
	HAS("new g.u.c.c.i belt", "brand~gucci(spaced)");
}

Test(screen, one_edit_is_a_typo_imitation)
{
	HAS("Guci handbag women", "brand~gucci(typo)");
	HAS("Addidas running shoes", "brand~adidas(typo)");
}

Test(screen, exact_brand_is_a_claim_not_an_imitation)
{
	HAS("Gucci Marmont bag", "brand:gucci");
	HASNT("Gucci Marmont bag", "brand~");
	cr_assert_str_eq(res.brand, "Gucci");
}

Test(screen, two_word_brand_and_short_alias)
{
	HAS("Louis Vuitton Neverfull", "brand:louis_vuitton");
	HAS("LV monogram wallet", "brand:louis_vuitton");
}

Test(screen, chinese_alias_is_found_as_substring)
{
	HAS("古驰女包新款", "brand:gucci");
	HAS("正品路易威登钱包", "brand:louis_vuitton");
}

Test(screen, common_words_are_not_brand_typos)
{
	HASNT("nice running shoes", "brand");
	HASNT("oak door handle", "brand");
	/* "channel" is also how Chanel is dodged: a typo, but never a flag on its own */
	reasons("tv channel guide");
	cr_assert(!res.flagged, "%s", res.reasons.s);
}

Test(screen, short_brand_needs_an_exact_word)
{
	HASNT("lvl 3 armour", "brand");
	HASNT("solvent", "brand");
}

Test(screen, spelled_out_replica_is_found)
{
	HAS("Rolex r.e.p.l.i.c.a watch", "kw:replica");
}

Test(screen, full_width_colon_one_to_one_is_found)
{
	HAS("Gucci 1：1 bag", "kw:1:1");
	HAS("Gucci 1 : 1 bag", "kw:1:1");
}

Test(screen, spaced_chinese_term_is_found)
{
	HAS("古驰 高 仿 包", "kw:高仿");
}

Test(screen, high_fidelity_simulation_is_not_a_fake)
{
	HASNT("高仿真绿植盆栽", "kw:高仿");
	HAS("高仿 真皮 古驰", "kw:高仿");
}

Test(screen, aaa_batteries_are_not_a_fake)
{
	HASNT("AAA batteries 24 pack", "kw:aaa");
	HASNT("5号电池 AAA 电池", "kw:aaa");
	HAS("Gucci AAA quality bag", "kw:aaa");
}

Test(screen, scale_model_is_not_one_to_one)
{
	HASNT("1:1 scale model car", "kw:1:1");
}

Test(screen, licensed_replica_jersey_is_not_a_fake)
{
	HASNT("Nike replica jersey officially licensed", "kw:replica");
	HASNT("阿迪达斯 官方授权 皇马 2025/26 主场球迷版 replica 球衣", "kw:replica");
	HAS("阿迪达斯 replica 运动鞋", "kw:replica");
}

Test(screen, compatible_with_is_not_a_brand_claim)
{
	HASNT("USB-C charger compatible with Apple iPhone", "brand:apple");
	HASNT("表带 适用于苹果手表", "brand:apple");
	HAS("Apple iPhone 15 128GB", "brand:apple");
}

Test(screen, words_inside_words_are_not_terms)
{
	HASNT("preps for school", "kw:reps");
	HASNT("Gucci unused box", "kw");
}

Test(screen, price_far_below_reference_is_a_signal)
{
	cr_assert(strstr(reasons_full("Gucci bag", "Gucci", "bags", 27600), "price:0.12×ref"), "%s",
		res.reasons.s);
	cr_assert(!strstr(reasons_full("Gucci bag", "Gucci", "bags", 219900), "price"), "%s",
		res.reasons.s);
}

Test(screen, used_goods_are_not_price_compared)
{
	cr_assert(!strstr(reasons_full("Gucci bag used", "Gucci", "bags", 27600), "price"), "%s",
		res.reasons.s);
	cr_assert(strstr(reasons_full("Gucci bag unused", "Gucci", "bags", 27600), "price"),
		"'unused' is not 'used': %s", res.reasons.s);
}

Test(screen, no_reference_for_the_category_gives_no_price_signal)
{
	cr_assert(!strstr(reasons_full("Apple fresh fruit", "Apple", "grocery", 199), "price"),
		"%s", res.reasons.s);
}

Test(screen, score_sums_and_flags)
{
	reasons_full("Guссi bag 高仿", NULL, "bags", 27600);
	cr_assert_eq(res.score, 100);
	cr_assert(res.flagged);
	reasons_full("Gucci Marmont bag", "Gucci", "bags", 230000);
	cr_assert_eq(res.score, 10);
	cr_assert(!res.flagged);
}

Test(screen, scoring_is_deterministic)
{
	char *a = xstrdup(reasons_full("Guссi 高仿 bag AAA", NULL, "bags", 27600));
	int sa = res.score;

	reasons("something else entirely");
	cr_assert_str_eq(reasons_full("Guссi 高仿 bag AAA", NULL, "bags", 27600), a);
	cr_assert_eq(res.score, sa);
	free(a);
}

Test(screen, robust_z_flags_a_price_far_below_the_market)
{
	struct screen *m;
	int i;

	cr_assert_eq(screen_open(&m, NULL), 0);
	for (i = 0; i < 12; i++)
		screen_market_add(m, "Gucci", "bags", "USD", 200000 + i * 5000);
	screen_market_done(m);
	{
		struct screen_listing l = { 0 };

		l.title = "Gucci bag";
		l.brand = "Gucci";
		l.category = "bags";
		l.currency = "USD";
		l.price = 90000;
		l.has_price = 1;
		screen_score(m, &l, NULL, &res);
	}
	cr_assert(strstr(res.reasons.s, "z:-"), "%s", res.reasons.s);
	screen_close(m);
}

static void write_rules(const char *dir, const char *vocab_line)
{
	const char *names[] = { "brands.tsv", "guards.tsv", "weights.conf" };
	char *p;
	FILE *fp;
	int i;

	mkdir(dir, 0700);
	for (i = 0; i < 3; i++) {
		p = xasprintf("%s/%s", dir, names[i]);
		fp = fopen(p, "w");
		fputs(i == 0 ? "Gucci\t古驰\tbags\t2300.00\tUSD\tGuccio Gucci\n" : "", fp);
		fclose(fp);
		free(p);
	}
	p = xasprintf("%s/vocab.tsv", dir);
	fp = fopen(p, "w");
	fprintf(fp, "# comment\nreplica\tstrong\ten\n%s\n", vocab_line);
	fclose(fp);
	free(p);
}

static void remove_rules(const char *dir)
{
	const char *names[] = { "brands.tsv", "guards.tsv", "weights.conf", "vocab.tsv" };
	int i;

	for (i = 0; i < 4; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);

		unlink(p);
		free(p);
	}
	rmdir(dir);
}

Test(screen_rules, bad_tier_is_a_data_error_with_file_and_line)
{
	char dir[] = "/tmp/casekit-rules.XXXXXX";
	struct screen *s;

	cr_assert(mkdtemp(dir));
	write_rules(dir, "高仿\tmighty\tzh");
	cr_assert_eq(screen_open(&s, dir), EX_DATAERR);
	cr_assert_null(s);
	write_rules(dir, "高仿\tstrong\tzh");
	cr_assert_eq(screen_open(&s, dir), 0);
	screen_close(s);
	remove_rules(dir);
}

Test(screen_rules, missing_rule_file_is_no_input)
{
	struct screen *s;

	cr_assert_eq(screen_open(&s, "/nonexistent/casekit/rules"), EX_NOINPUT);
}

Test(screen_rules, digest_follows_the_rules)
{
	char dir[] = "/tmp/casekit-rules.XXXXXX";
	struct screen *a, *b;
	char *da;

	cr_assert(mkdtemp(dir));
	write_rules(dir, "高仿\tstrong\tzh");
	cr_assert_eq(screen_open(&a, dir), 0);
	da = xstrdup(screen_digest(a));
	cr_assert_eq(strlen(da), 64);
	write_rules(dir, "高仿\tmedium\tzh");
	cr_assert_eq(screen_open(&b, dir), 0);
	cr_assert_str_neq(da, screen_digest(b));
	screen_close(a);
	screen_close(b);
	free(da);
	remove_rules(dir);
}
