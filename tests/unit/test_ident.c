/* test_ident.c - identifier normalisers: real-world spellings agree, different ones never do */
#include "casekit.h"
#include "ident.h"
#include "payment.h"
#include <criterion/criterion.h>
#include <dirent.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
/* The fuzz harness itself, so that make check replays every input the fuzzer kept. */
#include "../fuzz/fuzz_ident.c"

static struct ident id;
static const unsigned char key[32] = { 0x42, 1, 2, 3 };

static void fini(void)
{
	ident_free(&id);
}

TestSuite(ident, .fini = fini);

/* The key of raw, or "-" when the normaliser found nothing; stays valid until the next call. */
static char *phone(const char *raw, const char *country)
{
	static char out[256];

	snprintf(out, sizeof(out), "%s", ident_phone(raw, country, &id) ? "-" : id.value.s);
	return out;
}

static char *email(const char *raw)
{
	static char out[256];

	snprintf(out, sizeof(out), "%s", ident_email(raw, &id) ? "-" : id.value.s);
	return out;
}

static char *device(const char *raw)
{
	static char out[256];

	snprintf(out, sizeof(out), "%s", ident_device(raw, &id) ? "-" : id.value.s);
	return out;
}

static char *ip(const char *raw)
{
	static char out[256];

	snprintf(out, sizeof(out), "%s", ident_ip(raw, &id) ? "-" : id.value.s);
	return out;
}

static char *pay(const char *type, const char *raw)
{
	static char out[256];

	snprintf(out, sizeof(out), "%s", payment_ident(key, type, raw, &id) ? "-" : id.value.s);
	return out;
}

static const char *flags(void)
{
	return id.flags.s ? id.flags.s : "";
}

static const char *note(void)
{
	return id.note.s ? id.note.s : "";
}

Test(ident, phone_variants_of_one_cn_mobile_agree)
{
	/* the spellings casekit synth writes, and a few more seen in dumps */
	static const char *const same[] = { "+86 138-0013-8000", "0086 13800138000",
		"(+86)138 0013 8000", "＋８６ １３８００１３８０００", "138 0013 8000",
		"+86.138.0013.8000", "8613800138000", "手机：13800138000", "13800138000 转 123",
		"138-0013-8000 ext. 9",
		"+86\xc2\xa0"
		"138\xe2\x80\x8b"
		"0013 8000",
		"17951 0086 13800138000", "١٣٨٠٠١٣٨٠٠٠", "۱۳۸۰۰۱۳۸۰۰۰",
		"+86 138\xe2\x80\x94"
		"0013\xe3\x83\xbc"
		"8000",
		NULL };
	const char *const *p;

	for (p = same; *p; p++)
		cr_expect_str_eq(phone(*p, "CN"), "+8613800138000", "%s", *p);
	cr_assert_str_eq(phone("138 0013 8000", "CN"), "+8613800138000");
	cr_expect_str_eq(flags(), "mobile");
}

Test(ident, phone_international_form_ignores_the_default_region)
{
	cr_expect_str_eq(phone("+86 138 0013 8000", "US"), "+8613800138000");
	cr_expect_str_eq(phone("+86 138 0013 8000", NULL), "+8613800138000");
	cr_expect_str_eq(phone("011 86 138 0013 8000", "US"), "+8613800138000");
	cr_expect_str_eq(phone("0086 138 0013 8000", NULL), "+8613800138000");
	cr_expect_str_eq(phone("010 81 90 1234 5678", "JP"), "+819012345678");
}

Test(ident, phone_national_forms_of_each_region)
{
	cr_expect_str_eq(phone("0755-8888 8888", "CN"), "+8675588888888");
	cr_expect_str_eq(flags(), "landline");
	cr_expect_str_eq(phone("(010) 6552 9988", "CN"), "+861065529988");
	cr_expect_str_eq(phone("400-810-8888", "CN"), "+864008108888");
	cr_expect_str_eq(flags(), "tollfree");
	cr_expect_str_eq(phone("9123 4567", "HK"), "+85291234567");
	cr_expect_str_eq(flags(), "mobile");
	cr_expect_str_eq(phone("0912-345-678", "TW"), "+886912345678");
	cr_expect_str_eq(phone("(202) 555-0123", "US"), "+12025550123");
	cr_expect_str_eq(phone("1-416-555-0199", "CA"), "+14165550199");
	cr_expect_str_eq(phone("1-800-555-0199", "us"), "+18005550199");
	cr_expect_str_eq(flags(), "tollfree");
	cr_expect_str_eq(phone("07911 123456", "GB"), "+447911123456");
	cr_expect_str_eq(flags(), "mobile");
	cr_expect_str_eq(phone("030 12345678", "DE"), "+493012345678");
	cr_expect_str_eq(phone("01 23 45 67 89", "FR"), "+33123456789");
	cr_expect_str_eq(phone("090-1234-5678", "JP"), "+819012345678");
	cr_expect_str_eq(phone("010-1234-5678", "KR"), "+821012345678");
	cr_expect_str_eq(phone("9123 4567", "SG"), "+6591234567");
	/* Italy keeps the leading 0 of its area codes */
	cr_expect_str_eq(phone("06 1234 5678", "IT"), "+390612345678");
}

Test(ident, phone_mobile_that_looks_like_a_carrier_prefix_stays_national)
{
	/* 19152 is a carrier's prefix before 00, and 191 a mainland mobile range */
	cr_expect_str_eq(phone("191-5200-2605", "CN"), "+8619152002605");
	cr_expect_str_eq(phone("１９１０３００３０１０", "CN"), "+8619103003010");
	cr_expect_str_eq(phone("17951 00 852 9123 4567", "CN"), "+85291234567");
}

Test(ident, phone_bracketed_country_code_of_another_region)
{
	cr_expect_str_eq(phone("(852) 5007 8960", "CN"), "+85250078960");
	cr_expect_str_eq(phone("(010) 6552 9988", "CN"), "+861065529988");
	cr_expect_str_eq(phone("(86) 138 0013 8000", "CN"), "+8613800138000");
	/* NANP writes area codes in brackets: 212 stays New York, not Morocco */
	cr_expect_str_eq(phone("(212) 555-0123", "US"), "+12125550123");
}

Test(ident, phone_trunk_zero_after_the_country_code_goes)
{
	cr_expect_str_eq(phone("+44 (0)20 7946 0958", NULL), "+442079460958");
	cr_expect_str_eq(note(), "(0) cut");
	cr_expect_str_eq(phone("+44 020 7946 0958", NULL), "+442079460958");
	cr_expect_str_eq(phone("+86 (0)755 8888 8888", "CN"), "+8675588888888");
}

Test(ident, phone_extensions_are_cut_and_noted)
{
	cr_expect_str_eq(phone("202.555.0123 x45", "US"), "+12025550123");
	cr_expect_str_eq(note(), "extension cut");
	cr_expect_str_eq(phone("(202) 555-0123 #7", "US"), "+12025550123");
	cr_expect_str_eq(phone("0755-88888888分机8001", "CN"), "+8675588888888");
	cr_expect_str_eq(phone("+1 202 555 0123 ext 12", NULL), "+12025550123");
}

Test(ident, phone_without_region_stays_local)
{
	cr_expect_str_eq(phone("138 0013 8000", NULL), "local:13800138000");
	cr_expect_str_eq(flags(), "local");
	cr_expect_str_eq(phone("138 0013 8000", ""), "local:13800138000");
}

Test(ident, phone_invalid_numbers_give_nothing)
{
	cr_expect_str_eq(phone("138 0013 800", "CN"), "-");   /* a CN mobile has 11 digits */
	cr_expect_str_eq(phone("238 0013 80001", "CN"), "-"); /* 12 digits */
	cr_expect_str_eq(phone("12345", "CN"), "-");
	cr_expect_str_eq(phone("+28 1234567", NULL), "-"); /* no such country code */
	cr_expect_str_eq(phone("(012) 555-0123", "US"), "-");
	cr_expect_str_eq(phone("call me", "CN"), "-");
	cr_expect_str_eq(phone("", "CN"), "-");
	cr_expect_str_eq(phone(NULL, "CN"), "-");
	cr_expect_str_eq(phone("1234567890123456789012345678", NULL), "-");
	cr_expect_str_eq(phone("+", NULL), "-");
}

Test(ident, phone_different_numbers_never_agree)
{
	char a[256];

	snprintf(a, sizeof(a), "%s", phone("138 0013 8000", "CN"));
	cr_expect_str_neq(a, phone("138 0013 8001", "CN"));
	cr_expect_str_neq(a, phone("+852 138 0013 8000", "CN"));
	cr_expect_str_neq(a, phone("138 0013 8000", NULL));
	snprintf(a, sizeof(a), "%s", phone("9123 4567", "HK"));
	cr_expect_str_neq(phone("9123 4567", "SG"), a);
}

Test(ident, email_provider_rules)
{
	char a[256];

	cr_expect_str_eq(email("John.Doe+shop@googlemail.com"), "johndoe@gmail.com");
	cr_expect_str_eq(note(), "gmail dots removed,+tag cut,googlemail to gmail");
	cr_expect_str_eq(email("johndoe@gmail.com"), "johndoe@gmail.com");
	cr_expect_str_eq(note(), "");
	cr_expect_str_eq(email("  J.O.H.N.DOE@Gmail.COM. "), "johndoe@gmail.com");
	cr_expect_str_eq(email("j.smith+ebay@outlook.co.uk"), "j.smith@outlook.co.uk");
	cr_expect_str_eq(email("j.smith+1@Hotmail.fr"), "j.smith@hotmail.fr");
	cr_expect_str_eq(email("j.smith+1@live.com"), "j.smith@live.com");
	cr_expect_str_eq(email("j.smith+1@msn.com"), "j.smith@msn.com");
	cr_expect_str_eq(email("shop-spring@yahoo.co.jp"), "shop@yahoo.co.jp");
	cr_expect_str_eq(email("shop-x@ymail.com"), "shop@ymail.com");
	cr_expect_str_eq(email("bob+deals@me.com"), "bob@me.com");
	cr_expect_str_eq(email("bob+deals@icloud.com"), "bob@icloud.com");
	cr_expect_str_eq(email("bob+deals@mac.com"), "bob@mac.com");
	cr_expect_str_eq(email("ivan@yandex.com"), "ivan@yandex.ru");
	cr_expect_str_eq(email("ivan@ya.ru"), "ivan@yandex.ru");
	/* other providers keep their dots and tags: the rules are the provider's, not ours */
	cr_expect_str_eq(email("J.Doe+x@Example.COM"), "j.doe+x@example.com");
	cr_expect_str_eq(email("zhang.san@qq.com"), "zhang.san@qq.com");
	snprintf(a, sizeof(a), "%s", email("zhang@qq.com"));
	cr_expect_str_neq(email("zhang@foxmail.com"), a);
}

Test(ident, email_idn_width_and_wrappers)
{
	cr_expect_str_eq(email("info@Bücher.de"), "info@xn--bcher-kva.de");
	cr_expect_str_eq(email("info@xn--bcher-kva.de"), "info@xn--bcher-kva.de");
	cr_expect_str_eq(email("用户@例子.中国"), "用户@xn--fsqu00a.xn--fiqs8s");
	cr_expect_str_eq(email("ｊｏｈｎ.ｄｏｅ＠ｇｍａｉｌ．ｃｏｍ"), "johndoe@gmail.com");
	cr_expect_str_eq(email("John Doe <john@x.com>"), "john@x.com");
	cr_expect_str_eq(email("mailto:john@x.com"), "john@x.com");
}

Test(ident, email_junk_gives_nothing)
{
	static const char *const junk[] = { "", "   ", "nope", "a@@b.com", "a@b@c.com", "@x.com",
		"john@", "john@localhost", "john doe@x.com", "john@x..com", "john@.x.com",
		"john@x.com,jane@y.com", "....@gmail.com", NULL };
	const char *const *p;

	for (p = junk; *p; p++)
		cr_expect_str_eq(email(*p), "-", "%s", *p);
}

Test(ident, device_ids_lose_braces_and_case)
{
	cr_expect_str_eq(device("{A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF}"),
		"a1b2c3d4e5f647118899aabbccddeeff");
	cr_expect_str_eq(
		device("a1b2c3d4e5f647118899aabbccddeeff"), "a1b2c3d4e5f647118899aabbccddeeff");
	cr_expect_str_eq(flags(), "");
	cr_expect_str_neq(
		device("a1b2c3d4e5f647118899aabbccddeefe"), "a1b2c3d4e5f647118899aabbccddeeff");
}

Test(ident, device_null_ids_are_kept_but_never_link)
{
	static const char *const nulls[] = { "00000000-0000-0000-0000-000000000000", "unknown",
		"NULL", "n/a", "000000000000000", "ffffffff", "{}", "None", NULL };
	const char *const *p;

	for (p = nulls; *p; p++) {
		cr_expect_neq(ident_device(*p, &id), -1, "%s", *p);
		cr_expect_str_eq(flags(), "null,nolink", "%s", *p);
	}
	cr_expect_str_eq(
		device("00000000-0000-0000-0000-000000000000"), "00000000000000000000000000000000");
	cr_expect_str_eq(device(""), "-");
	cr_expect_str_eq(device(NULL), "-");
}

Test(ident, ip_text_follows_rfc5952)
{
	cr_expect_str_eq(ip("203.0.114.7"), "203.0.114.7");
	cr_expect_str_eq(flags(), "");
	cr_expect_str_eq(ip(" 8.8.8.8 "), "8.8.8.8");
	cr_expect_str_eq(ip("::FFFF:8.8.4.4"), "8.8.4.4");
	cr_expect_str_eq(ip("8.8.8.8:53"), "8.8.8.8");
	cr_expect_str_eq(ip("2400:CB00:0001:0002:0003:0004:0005:0006"), "2400:cb00:1:2::/64");
	cr_expect_str_eq(note(), "ipv6 /64 prefix");
	cr_expect_str_eq(ip("[2400:cb00:1:2::99]:443"), "2400:cb00:1:2::/64");
	cr_expect_str_neq(ip("2400:cb00:1:3::1"), "2400:cb00:1:2::/64");
}

Test(ident, ip_special_ranges_are_flagged_nolink)
{
	static const struct {
		const char *ip, *flags;
	} cases[] = {
		{ "10.1.2.3", "private,nolink" },
		{ "172.16.0.1", "private,nolink" },
		{ "172.31.255.255", "private,nolink" },
		{ "192.168.1.1", "private,nolink" },
		{ "100.64.0.1", "cgnat,nolink" },
		{ "100.127.255.254", "cgnat,nolink" },
		{ "127.0.0.1", "loopback,nolink" },
		{ "169.254.10.1", "linklocal,nolink" },
		{ "192.0.2.10", "documentation,nolink" },
		{ "198.51.100.7", "documentation,nolink" },
		{ "203.0.113.9", "documentation,nolink" },
		{ "::1", "loopback,nolink" },
		{ "fe80::1%eth0", "linklocal,nolink" },
		{ "fd12:3456::1", "private,nolink" },
		{ "2001:db8::1", "documentation,nolink" },
		{ "172.32.0.1", "" },
		{ "100.128.0.1", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_eq(ident_ip(cases[i].ip, &id), 0, "%s", cases[i].ip);
		cr_expect_str_eq(flags(), cases[i].flags, "%s", cases[i].ip);
	}
}

Test(ident, ip_junk_and_octal_lookalikes_give_nothing)
{
	static const char *const junk[] = { "", "garbage", "010.1.1.1", "1.2.3", "256.1.1.1",
		"1.2.3.4.5", "::g", "[::1", NULL };
	const char *const *p;

	for (p = junk; *p; p++)
		cr_expect_str_eq(ip(*p), "-", "%s", *p);
}

Test(ident, card_spellings_agree_and_raw_never_leaks)
{
	char a[256];

	snprintf(a, sizeof(a), "%s", pay("card", "4111 1111 1111 1111"));
	cr_expect_str_eq(pay("card", "4111-1111-1111-1111"), a);
	cr_expect_str_eq(pay("Credit Card", "4111111111111111"), a);
	cr_expect_eq(strncmp(a, "v1:", 3), 0);
	cr_expect_eq(strlen(a), 3 + 64);
	cr_expect_str_eq(id.last4, "1111");
	cr_expect_str_eq(note(), "card,luhn-ok");
	cr_expect_null(strstr(note(), "4111"));
	cr_expect_null(strstr(a, "4111"));
	cr_expect_str_neq(pay("card", "4111 1111 1111 1112"), a);
	cr_expect_str_eq(note(), "card,luhn-bad");
	cr_expect_str_eq(pay("card", "1234"), "-");
	cr_expect_str_eq(pay("card", "4111 1111 1111 111x"), "-");
}

Test(ident, payment_classes_never_collide)
{
	char a[256];

	/* the same digits as a card and as a bank account are different instruments */
	snprintf(a, sizeof(a), "%s", pay("card", "4111111111111111"));
	cr_expect_str_neq(pay("bank", "4111111111111111"), a);
	/* a different key gives a different hash: the key is in the HMAC */
	{
		unsigned char other[32] = { 0 };

		cr_expect_eq(payment_ident(other, "card", "4111111111111111", &id), 0);
		cr_expect_str_neq(id.value.s, a);
	}
}

Test(ident, unionpay_as_bank_account_is_the_card)
{
	char a[256];

	snprintf(a, sizeof(a), "%s", pay("unionpay", "6212 2612 3456 7890 123"));
	cr_expect_str_eq(pay("bank", "6212261234567890123"), a);
	cr_expect_str_eq(id.last4, "0123");
}

Test(ident, iban_is_checked_and_compacted)
{
	char a[256];

	snprintf(a, sizeof(a), "%s", pay("iban", "GB82 WEST 1234 5698 7654 32"));
	cr_expect_str_eq(note(), "iban,iban-ok");
	cr_expect_str_eq(pay("bank", "gb82west12345698765432"), a);
	cr_expect_str_eq(id.last4, "5432");
	cr_expect_str_neq(pay("iban", "GB83 WEST 1234 5698 7654 32"), a);
	cr_expect_str_eq(note(), "iban,iban-bad");
}

Test(ident, wallets_keyed_on_their_phone_or_email)
{
	char a[256];

	snprintf(a, sizeof(a), "%s", pay("alipay", "+86 138 0013 8000"));
	cr_expect_str_eq(note(), "wallet,phone");
	cr_expect_str_eq(pay("alipay", "13800138000"), a);
	cr_expect_str_eq(pay("WeChat", "138-0013-8000"), a);
	snprintf(a, sizeof(a), "%s", pay("paypal", "John.Doe+pp@googlemail.com"));
	cr_expect_str_eq(note(), "wallet,email");
	cr_expect_str_eq(pay("paypal", "johndoe@gmail.com"), a);
	/* base58 wallet ids are case-sensitive, EVM hex ids are not */
	snprintf(a, sizeof(a), "%s", pay("crypto", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"));
	cr_expect_str_neq(pay("crypto", "1boatslrhtknngkdxeeobr76b53lettpyt"), a);
	snprintf(a, sizeof(a), "%s", pay("crypto", "0x52908400098527886E0F7030069857D2E4169EE7"));
	cr_expect_str_eq(pay("crypto", "0x52908400098527886e0f7030069857d2e4169ee7"), a);
}

Test(ident, text_is_folded_and_squeezed)
{
	cr_expect_eq(ident_text("  Hello\xe3\x80\x80ＷＯＲＬＤ \t x ", &id), 0);
	cr_expect_str_eq(id.value.s, "hello world x");
	cr_expect_eq(ident_text("Straße", &id), 0);
	cr_expect_str_eq(id.value.s, "strasse");
	cr_expect_eq(ident_text(" \t ", &id), -1);
	cr_expect_eq(ident_text("\xff\xfe", &id), 0); /* broken UTF-8 is replaced, not dropped */
	cr_expect_str_eq(id.value.s, "\xef\xbf\xbd\xef\xbf\xbd");
}

/* What tests/fuzz/fuzz_ident.c found: each stays fixed. */
Test(ident, fuzz_findings_stay_fixed)
{
	char a[256], big[400];

	/* a national number that kept its trunk 0 after the country code was cut */
	cr_expect_str_eq(phone("\xd4"
			       "86 069 0013 800P0",
				 "CN"),
		"-");
	cr_expect_str_eq(phone("+86 0690013800", "CN"), "-");
	/* UTS #46 without STD3 rules let '&' and controls into a domain */
	cr_expect_str_eq(email("\xca.@googlm\x01Joha\xd7\x91m.co&"), "-");
	cr_expect_str_eq(email(".\r@gmail.com"), "-");
	/* a long wallet id overflowed the key buffer */
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_expect_str_eq(pay("paypal", big), "-");
	big[100] = '\0';
	cr_expect_str_neq(pay("paypal", big), "-");
	cr_expect_str_eq(id.last4, "AAAA");
	/* cutting separators out left combining marks to be reordered by a second pass */
	snprintf(a, sizeof(a), "%s",
		device("H8\xfe"
		       "8#H2\xa8\xdc\xb7\t\xdc\xcd\xa8 \xdc\xb7\t"));
	cr_expect_str_eq(device(a), a);
	snprintf(a, sizeof(a), "%s", device("size:ff\t:\xcb\x99\r3"));
	cr_expect_str_eq(device(a), a);
	/* Yahoo keys must be fixed points too */
	cr_expect_str_eq(email("a-b-c@yahoo.com"), "a@yahoo.com");
	cr_expect_str_eq(email("a@yahoo.com"), "a@yahoo.com");
}

static char *addr(const char *raw)
{
	static char out[512];

	snprintf(out, sizeof(out), "%s", ident_address(raw, "CN", &id) ? "-" : id.value.s);
	return out;
}

static void addr_init(void)
{
	/* the rule files live in the source tree's share/ during make check */
	if (!getenv("CASEKIT_DATADIR"))
		setenv("CASEKIT_DATADIR", "share", 1);
}

Test(ident, address_chinese_spellings_of_one_flat_agree, .init = addr_init)
{
	static const char *const same[] = { "广东省深圳市南山区科技园路1号3栋1201室",
		"深圳南山科技园路1号3幢1201", "深圳市南山区科技园路１号３座１２０１房",
		"广东深圳南山区粤海街道科技园路1号3栋1201室",
		"广东省深圳市 南山区粤海街道 科技园路 1号 3栋 1201室",
		"深圳市南山區科技園路1號3棟1201室", "深圳市南山区科技园路一号三栋一二〇一室",
		"深圳市南山区科技园路1号3号楼1201户", NULL };
	const char *const *p;
	char first[512];

	snprintf(first, sizeof(first), "%s", addr(same[0]));
	cr_expect_str_eq(first, "深圳 技园路 1号 3栋 1201室");
	cr_expect_str_eq(id.building.s, "深圳 技园路 1号 3栋");
	for (p = same + 1; *p; p++)
		cr_expect_str_eq(addr(*p), first, "%s", *p);
}

Test(ident, address_flats_of_one_building_share_the_building_key, .init = addr_init)
{
	char a[512], b[512];

	snprintf(a, sizeof(a), "%s", addr("广东省深圳市南山区科技园路1号3栋1201室"));
	snprintf(b, sizeof(b), "%s", id.building.s);
	cr_expect_str_neq(addr("广东省深圳市南山区科技园路1号3栋1202室"), a);
	cr_expect_str_eq(id.building.s, b);
	cr_expect_str_neq(addr("广东省深圳市南山区科技园路1号4栋1201室"), a);
	cr_expect_str_neq(id.building.s, b);
	cr_expect_str_neq(addr("广东省深圳市南山区科技园路2号3栋1201室"), a);
	cr_expect_str_neq(addr("广东省广州市南山区科技园路1号3栋1201室"), a);
	cr_expect_str_neq(addr("广东省深圳市南山区科苑路1号3栋1201室"), a);
}

Test(ident, address_chinese_numbers_units_and_floors, .init = addr_init)
{
	cr_expect_str_eq(addr("杭州市西湖区古墩路88号三单元十二层"), "杭州 古墩路 88号 3单元 12层");
	cr_expect_str_eq(addr("福建省泉州市晋江市陈埭镇江滨路5号12-3-1001"),
		"泉州 江滨路 5号 12栋 3单元 1001室");
	cr_expect_str_eq(addr("广州市越秀区北京街道中山五路3001号2座1205房"),
		"广州 中山5路 3001号 2栋 1205室");
	/* a sub-district named after a road (湖南路街道) is not the road */
	cr_expect_str_eq(addr("江苏省南京市鼓楼区湖南路街道中山北路3001号12栋1205室"),
		"南京 山北路 3001号 12栋 1205室");
	cr_expect_str_eq(addr("南京中山北路3001号12栋1205室"), "南京 山北路 3001号 12栋 1205室");
	cr_expect_str_eq(addr("上海浦东新区陆家嘴街道世纪大道100号"), "上海 世纪大道 100号");
	cr_expect_str_eq(addr("上海市浦东新区世纪大道100号"), "上海 世纪大道 100号");
	cr_expect_str_eq(addr("臺北市信義區信義路五段7號89樓"), "台北 義路5段 7号 89层");
}

Test(ident, address_hong_kong_latin_spellings_agree, .init = addr_init)
{
	static const char *const same[] = { "Flat 12, 3/F, 8 Nathan Rd, Kowloon, HK",
		"Unit 12, 3rd Floor, 8 Nathan Road, Kowloon, Hong Kong",
		"FLAT 12 3/F 8 NATHAN RD. KOWLOON HK", "Rm 12, 3F, No. 8 Nathan Road, Kowloon",
		NULL };
	const char *const *p;

	for (p = same; *p; p++) {
		cr_expect_str_eq(addr(*p), "8 nathan road, kowloon floor 3 unit 12", "%s", *p);
		cr_expect_str_eq(id.building.s, "8 nathan road, kowloon", "%s", *p);
		cr_expect_str_eq(flags(), "", "%s", *p);
	}
	/* with no town, no postcode: the street could be in any town */
	cr_expect_str_neq(
		addr("Flat 12, Floor 3, 8 Nathan Road"), "8 nathan road, kowloon floor 3 unit 12");
	cr_expect_str_eq(addr("Flat 12, Floor 3, 8 Nathan Road"), "8 nathan road floor 3 unit 12");
	/* the same street and number in another district is another building */
	cr_expect_str_neq(addr("Flat 12, 3/F, 8 Nathan Rd, Jordan, HK"),
		"8 nathan road, kowloon floor 3 unit 12");
	/* the spellings casekit synth writes */
	cr_expect_str_eq(addr("Flat 12A, 3001 Sai Yeung Choi Street, Mong Kok, Hong Kong"),
		"3001 sai yeung choi street, mong unit 12a");
	cr_expect_str_eq(addr("UNIT 12A 3001 SAI YEUNG CHOI ST MONG KOK HK"),
		"3001 sai yeung choi street, mong unit 12a");
	cr_expect_str_neq(addr("Flat 12B, 3001 Sai Yeung Choi Street, Mong Kok, Hong Kong"),
		"3001 sai yeung choi street, mong unit 12a");
	cr_expect_str_eq(id.building.s, "3001 sai yeung choi street, mong");
	/* flat F of floor 15, with and without commas */
	cr_expect_str_eq(addr("Flat 15F, 3000 Canton Rd., Tsim Sha Tsui, HK"),
		"3000 canton road, tsim unit 15f");
	cr_expect_str_eq(addr("Unit 15F 3000 Canton Road Tsim Sha Tsui Hong Kong"),
		"3000 canton road, tsim unit 15f");
	cr_expect_str_neq(addr("Unit 15E 3000 Canton Road Tsim Sha Tsui Hong Kong"),
		"3000 canton road, tsim unit 15f");
}

Test(ident, address_latin_elsewhere, .init = addr_init)
{
	char a[512];

	/* the postcode, or the town when there is none, is part of the key */
	cr_expect_str_eq(addr("123 Main St Apt 4B, Springfield, IL 62704"),
		"123 main street, 62704 unit 4b");
	cr_expect_str_eq(
		addr("123 main street apt 4b, 62704-1234"), "123 main street, 62704 unit 4b");
	cr_expect_str_eq(
		addr("123 MAIN STREET #4B SPRINGFIELD IL"), "123 main street, springfield unit 4b");
	cr_expect_str_eq(addr("120 E 96th St"), "120 east 96th street");
	cr_expect_str_eq(addr("Marktstraße 14, 10117 Berlin"), "14 marktstrasse, 10117");
	cr_expect_str_eq(addr("Lindenweg 3, 10117 Berlin"), "3 lindenweg, 10117");
	cr_expect_str_eq(addr("Rue de l'Église 5"), addr("rue de l eglise 5"));
	/* street types written first, in Portuguese, Spanish, French, Italian */
	cr_expect_str_eq(addr("Rua Augusta, 1500 - Consolação, São Paulo - SP, 01305-100"),
		"1500 rua augusta, 1305");
	cr_expect_str_eq(
		addr("Av. Paulista, nº 1578, São Paulo, 01310-200"), "1578 avenue paulista, 1310");
	cr_expect_str_eq(
		addr("Avenida Paulista 1578, 01310-200 São Paulo"), "1578 avenue paulista, 1310");
	cr_expect_str_eq(addr("12 rue de la Paix, 75002 Paris"), "12 rue de la paix, 75002");
	cr_expect_str_eq(addr("Calle Mayor 5, Madrid"), "5 calle mayor, madrid");
	cr_expect_str_eq(addr("Via Roma 10, 00184 Roma"), "10 via roma, 184");
	/* British and Canadian postcodes, which mix letters and digits */
	cr_expect_str_eq(addr("Flat 3, 2nd Floor, 10 Downing St, London SW1A 2AA"),
		"10 downing street, sw1a 2aa floor 2 unit 3");
	cr_expect_str_eq(addr("flat 3 floor 2 10 downing street sw1a 2aa"),
		"10 downing street, sw1a 2aa floor 2 unit 3");
	cr_expect_str_eq(addr("24 Sussex Drive, Ottawa ON K1A 0B1"), "24 sussex drive, k1a 0b1");
	cr_expect_str_eq(
		addr("Block A1 2nd floor, 8 nathan road"), "8 nathan road building a1 floor 2");
	/* one street name in two towns */
	snprintf(a, sizeof(a), "%s", addr("12 main street, springfield"));
	cr_expect_str_neq(addr("12 main street, shelbyville"), a);
	snprintf(a, sizeof(a), "%s", addr("12 main street, 2000"));
	cr_expect_str_neq(addr("12 main street, 2600"), a);
	/* a street type we cannot read: the number, the words up to a comma, the place */
	cr_expect_str_eq(addr("1 dookie treet, harristown nsw 3218"), "1 dookie treet, 3218");
	cr_expect_str_eq(addr("1 dookie treet, harristown 3218"), "1 dookie treet, 3218");
	cr_expect_str_eq(flags(), "");
	cr_expect_str_eq(addr("  nowhere   special 12 "), "nowhere special 12");
	cr_expect_str_eq(note(), "no street found");
	cr_expect_str_eq(flags(), "");
	cr_expect_str_eq(addr(""), "-");
	cr_expect_str_eq(addr(" ,;. "), "-");
	cr_expect_str_eq(addr(NULL), "-");
}

/* A town, a district, a state and a postcode name no place: an area that never links. */
Test(ident, address_coarse_is_an_area, .init = addr_init)
{
	static const char *const area[] = { "sao paulo SP 01310", "Sao Paulo, SP, 1310",
		"London SW1A 2AA", "rio de janeiro RJ 20040-020", "Springfield",
		"springfield, IL 62704", "75002 Paris", "nowhere special",
		"Mill Lane, Little Hampton", "广东省深圳市南山区", "深圳市南山区科技园路", "unit",
		"unit 5", "北京市朝阳区 100020", "四川省成都市武侯区610020", NULL };
	static const char *const place[] = { "8 Nathan Road, Kowloon",
		"Flat 3, Rose Court, Springfield", "Rua Augusta, 1500, Sao Paulo",
		"po box 123, springfield 2000", "广东省深圳市南山区科技园路1号3栋1201室",
		"碧海花园3栋1201", "東京都千代田区丸の内1-9-1", "深圳市南山区科技园路1001", NULL };
	const char *const *p;

	for (p = area; *p; p++) {
		cr_expect_str_neq(addr(*p), "-", "%s", *p);
		cr_expect(ident_address_is_area(&id), "%s", *p);
		cr_expect_str_eq(flags(), "coarse,nolink", "%s", *p);
		cr_expect_str_eq(id.building.s ? id.building.s : "", "", "%s", *p);
	}
	for (p = place; *p; p++) {
		cr_expect_str_neq(addr(*p), "-", "%s", *p);
		cr_expect_not(ident_address_is_area(&id), "%s", *p);
		cr_expect_str_neq(id.building.s ? id.building.s : "", "", "%s", *p);
	}
	/* strangers in one city share the area key, and it is flagged so that it never links */
	cr_expect_str_eq(addr("Sao Paulo SP 01310"), "sao paulo sp 01310");
}

/* A key read again gives the same key: the fuzzer's findings, then the ordinary cases. */
Test(ident, address_keys_are_fixed_points, .init = addr_init)
{
	static const char *const raw[] = { "广东省深圳市南山区科\xe6\x8a::ffff:1.2.3\xe6\xa0\x8b"
					   "1201\xe5\xae ",
		"\n\xe5\x8f\xb7\x01\x80\xe6\xa5\xbc"
		"2\n\xe5\x8f\xb7\x01\x80\xe6\xa5\xbc"
		"2f",
		"广东省深圳市南山区科\xad路1号3\xe6号3栋\xad"
		"17",
		"\x80"
		"01471rd.rd\x16",
		"\t0\x80\xd0rd\x80.rd\x80"
		"0\x80"
		"0rd\x80.r.rd",
		"0800\t\x80"
		"aa0rd\x80"
		"0 80&rd\x80"
		"0rd",
		"t 69 floor 13", "2nd floor, 21st Street 5",
		"Flat 3, 10 Downing St, London SW1A 2AA", "24 Sussex Drive, Ottawa ON K1A 0B1",
		"Rua Augusta, 1500, São Paulo - SP, 01305-100", "12 rue de la Paix, 75002 Paris",
		"Marktstraße 14, 10117 Berlin", "广东省深圳市南山区科技园路1号3栋1201室",
		"Flat 12, 3/F, 8 Nathan Rd, Kowloon, HK",
		"福建省泉州市晋江市陈埭镇江滨路5号12-3-1001", NULL };
	const char *const *p;
	char a[512];

	for (p = raw; *p; p++) {
		snprintf(a, sizeof(a), "%s", addr(*p));
		if (strcmp(a, "-") == 0 || strstr(note(), "no street") ||
			strstr(note(), "no house") || strstr(note(), "no structure"))
			continue;
		cr_expect_str_eq(addr(a), a, "%s", *p);
	}
}

/* Every seed and every finding of the fuzzer passes the harness's checks. */
Test(ident, fuzz_corpus_replays_cleanly, .init = addr_init)
{
	const char *top = getenv("TOP_SRCDIR");
	char *dir = xasprintf("%s/tests/fuzz/corpus/ident", top ? top : "..");
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	cr_assert_not_null(d, "cannot open %s", dir);
	while ((e = readdir(d))) {
		struct buf b = { 0 };
		char *path, chunk[4096];
		size_t got;
		FILE *fp;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		cr_assert_not_null(fp = fopen(path, "rb"), "%s", path);
		while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_add(&b, chunk, got);
		fclose(fp);
		LLVMFuzzerTestOneInput((const uint8_t *)(b.s ? b.s : ""), b.len);
		buf_free(&b);
		free(path);
		n++;
	}
	closedir(d);
	free(dir);
	cr_expect_geq(n, 10);
}

/* The key is HMAC-SHA-256 of "CLASS:instrument" as OpenSSL's one-shot HMAC() computes it. */
Test(ident, payment_key_is_the_documented_hmac)
{
	unsigned char mac[EVP_MAX_MD_SIZE], other[32] = { 9 };
	unsigned int len = 0, i;
	char hex[80] = "v1:";

	HMAC(EVP_sha256(), key, 32, (const unsigned char *)"card:4111111111111111", 21, mac, &len);
	for (i = 0; i < len; i++)
		snprintf(hex + 3 + 2 * i, 3, "%02x", mac[i]);
	cr_expect_str_eq(pay("card", "4111 1111 1111 1111"), hex);
	/* a new key in between, then the first again: the cached context follows */
	cr_expect_eq(payment_ident(other, "card", "4111 1111 1111 1111", &id), 0);
	cr_expect_str_neq(id.value.s, hex);
	cr_expect_str_eq(pay("card", "4111 1111 1111 1111"), hex);
	HMAC(EVP_sha256(), key, 32, (const unsigned char *)"iban:GB82WEST12345698765432", 27, mac,
		&len);
	for (i = 0; i < len; i++)
		snprintf(hex + 3 + 2 * i, 3, "%02x", mac[i]);
	cr_expect_str_eq(pay("iban", "gb82 west 1234 5698 7654 32"), hex);
}

Test(ident, payment_last4_is_four_whole_characters)
{
	struct ident w = { 0 };

	/* A wallet id in Chinese: the last four are characters, never a cut UTF-8 sequence. */
	cr_assert_eq(payment_ident(key, "wallet", "店铺钱包账户一二三四", &w), 0);
	cr_expect_str_eq(w.last4, "一二三四");
	cr_assert_eq(payment_ident(key, "card", "4111 1111 1111 1111", &w), 0);
	cr_expect_str_eq(w.last4, "1111");
	ident_free(&w);
}
