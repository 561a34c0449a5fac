/* test_takedown.c - the form in which notices' and listings' addresses are compared */
#include "casekit.h"
#include "takedown.h"
#include <criterion/criterion.h>

static void key_is(const char *url, const char *want)
{
	char *k = takedown_url_key(url);

	if (!want)
		cr_assert_null(k, "'%s' gave '%s'", url, k);
	else
		cr_assert_str_eq(k, want, "'%s'", url);
	free(k);
}

Test(takedown, url_key_lowercases_scheme_and_host_not_path)
{
	key_is("HTTPS://Market.EXAMPLE/item/L1", "https://market.example/item/L1");
	key_is("https://market.example/Item/L1", "https://market.example/Item/L1");
}

Test(takedown, url_key_drops_trailing_slashes_fragment_and_blanks)
{
	key_is("https://market.example/item/L1/", "https://market.example/item/L1");
	key_is("https://market.example/item/L1//#reviews", "https://market.example/item/L1");
	key_is("  https://market.example/item/L1\r\n", "https://market.example/item/L1");
	key_is("https://market.example/", "https://market.example");
}

Test(takedown, url_key_drops_tracking_parameters_only)
{
	key_is("https://market.example/item/L1?utm_source=mail&utm_medium=x",
		"https://market.example/item/L1");
	key_is("https://item.example/item.htm?spm=a1z10.1&id=123&fbclid=zz",
		"https://item.example/item.htm?id=123");
	key_is("https://item.example/item.htm?id=123&sku=9&UTM_Campaign=q",
		"https://item.example/item.htm?id=123&sku=9");
	key_is("https://market.example/item/L1/?", "https://market.example/item/L1");
	/* utm alone is a name like any other; utm_ starts a tracking one */
	key_is("https://market.example/s?utm=1", "https://market.example/s?utm=1");
}

Test(takedown, url_key_keeps_what_names_the_page)
{
	key_is("https://market.example/item/L1/reviews", "https://market.example/item/L1/reviews");
	key_is("https://item.example/item.htm?id=123&color=red",
		"https://item.example/item.htm?id=123&color=red");
	key_is("Market.Example/item/L1", "market.example/item/L1");
}

Test(takedown, url_key_of_nothing_is_null)
{
	key_is(NULL, NULL);
	key_is("", NULL);
	key_is("  ", NULL);
	key_is("#top", NULL);
}
