/* test_profile.c - profiles: parsing, the checks that refuse a bad one, kinds and lookups */
#include "casekit.h"
#include "profile.h"
#include "unit.h"
#include <criterion/criterion.h>
#include <criterion/redirect.h>

static const char *dir;

static void setup(void)
{
	dir = unit_tmpdir();
	cr_redirect_stderr();
}

static void teardown(void)
{
	unit_rmdir();
}

TestSuite(profile, .init = setup, .fini = teardown);

/* What the code under test printed on stderr so far (malloc'd). */
static char *err_text(void)
{
	FILE *fp = cr_get_redirected_stderr();
	struct buf b = { 0 };
	char tmp[512];
	size_t n;

	fflush(stderr);
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(&b, tmp, n);
	return b.s ? buf_detach(&b) : xstrdup("");
}

/* Parse text, expecting it refused with EX_CONFIG and a message holding want. */
static void refused(const char *text, const char *want)
{
	struct profile *p = (struct profile *)1;
	char *err;

	cr_assert_eq(profile_parse(&p, text, "t.profile"), EX_CONFIG, "%s", text);
	cr_assert_null(p);
	err = err_text();
	cr_assert_not_null(strstr(err, want), "want '%s' in: %s", want, err);
	free(err);
}

static const char good[] = "# a test profile\n"
			   "profile shop\n"
			   "country br\n"
			   "currency BRL\n"
			   "delimiter ;\n"
			   "date-format %d/%m/%Y %H:%M\n"
			   "\n"
			   "[sellers]\n"
			   "files vendedores*.csv sellers.csv\n"
			   "seller_id = id_loja\n"
			   "platform = \"shop\"\n"
			   "address = {rua}, {cidade} {cep}\n"
			   "ident cpf = cpf\n"
			   "[listings]\n"
			   "files anuncios.csv\n"
			   "date created_at %Y-%m-%d\n";

Test(profile, a_profile_parses_into_its_settings_and_kinds)
{
	struct profile *p;
	const struct profile_kind *k;

	cr_assert_eq(profile_parse(&p, good, "t.profile"), 0);
	cr_assert_str_eq(p->name, "shop");
	cr_assert_str_eq(p->country, "br", "kept as written");
	cr_assert_str_eq(p->currency, "BRL");
	cr_assert_eq(p->delim, ';');
	cr_assert_str_eq(p->date_format, "%d/%m/%Y %H:%M");
	cr_assert_eq(p->nkinds, 2);
	cr_assert_not_null(k = profile_kind(p, "sellers"));
	cr_assert_null(profile_kind(p, "orders"));
	cr_assert_eq(k->nglobs, 2);
	cr_assert_eq(k->nmaps, 3);
	cr_assert_str_eq(k->maps[2].field, "address");
	cr_assert_eq(k->maps[2].tmpl.n, 5);
	cr_assert_eq(k->maps[2].line, 12);
	cr_assert_eq(k->nidents, 1);
	cr_assert_str_eq(k->idents[0].field, "cpf");
	k = profile_kind(p, "listings");
	cr_assert_str_eq(k->maps[0].field, "created_at");
	cr_assert_str_eq(k->maps[0].date_format, "%Y-%m-%d");
	profile_free(p);
}

Test(profile, files_are_matched_to_kinds_by_their_patterns)
{
	struct profile *p;

	cr_assert_eq(profile_parse(&p, good, "t.profile"), 0);
	cr_assert_str_eq(profile_kind_of(p, "vendedores-2026.csv"), "sellers");
	cr_assert_str_eq(profile_kind_of(p, "sellers.csv"), "sellers");
	cr_assert_str_eq(profile_kind_of(p, "anuncios.csv"), "listings");
	cr_assert_null(profile_kind_of(p, "pedidos.csv"));
	profile_free(p);
}

Test(profile, a_mistyped_column_is_refused_with_the_field_meant)
{
	refused("[sellers]\nshop_nmae = loja\n",
		"t.profile:2: 'shop_nmae' is not a field of sellers");
	refused("[sellers]\nshop_nmae = loja\n", "did you mean 'shop_name'?");
}

Test(profile, a_bad_country_currency_or_encoding_is_refused)
{
	refused("country Brazil\n", "t.profile:1: 'Brazil' is not an ISO 3166-1 alpha-2");
	refused("country XX\n", "'XX' is not an ISO 3166-1");
	refused("currency RSS\n", "'RSS' is not an ISO 4217 currency code");
	refused("encoding klingon-8\n", "'klingon-8' is not an encoding ICU knows");
}

Test(profile, unknown_settings_kinds_and_lines_are_refused)
{
	refused("colour red\n", "unknown setting 'colour'");
	refused("[widgets]\n", "'widgets' is not a kind");
	refused("[sellers]\nwhatever\n", "cannot read 'whatever'");
	refused("[orders]\nident cpf = cpf\n", "orders rows hold no account");
	refused("delimiter ab\n", "a delimiter is one character or 'tab'");
	refused("[sellers]\nshop_name = {open\n", "t.profile:2:");
}

Test(profile, country_and_currency_codes_come_from_icu)
{
	char c[3], m[4];

	cr_assert_eq(profile_country("au", c), 0);
	cr_assert_str_eq(c, "AU");
	cr_assert_eq(profile_country("ZZ", c), -1);
	cr_assert_eq(profile_country("AUS", c), -1);
	cr_assert_eq(profile_currency("jpy", m), 0);
	cr_assert_str_eq(m, "JPY");
	cr_assert_eq(profile_currency("DEM", m), 0, "a historic currency");
	cr_assert_eq(profile_currency("EURO", m), -1);
}

/* Write text to dir/name. */
static void put(const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(fp = fopen(path, "w"));
	fputs(text, fp);
	cr_assert_eq(fclose(fp), 0);
}

Test(profile, a_lookup_maps_keys_and_keeps_the_first_row_of_a_key)
{
	struct profile *p;
	const struct profile_map *m;
	char path[128];
	const char *v;
	size_t len;

	put("states.csv", "code,name\nNSW,New South Wales\nVIC,Victoria\nNSW,Other\n");
	put("t.profile", "[sellers]\naddress = lookup(states.csv, code, name, {state})\n");
	snprintf(path, sizeof(path), "%s/t.profile", dir);
	cr_assert_eq(profile_load(&p, path), 0);
	m = &profile_kind(p, "sellers")->maps[0];
	cr_assert_not_null(m->lookup);
	cr_assert_not_null(v = profile_lookup_get(m->lookup, "NSW", 3, &len));
	cr_assert_eq(len, strlen("New South Wales"));
	cr_assert_eq(memcmp(v, "New South Wales", len), 0);
	cr_assert_not_null(v = profile_lookup_get(m->lookup, "VIC", 3, &len));
	cr_assert_eq(memcmp(v, "Victoria", len), 0);
	cr_assert_null(profile_lookup_get(m->lookup, "QLD", 3, &len));
	profile_free(p);
}

Test(profile, a_lookup_outside_the_profile_folder_is_refused)
{
	struct profile *p;
	char path[128], *err;

	put("t.profile", "[sellers]\naddress = lookup(../etc/passwd, a, b, {state})\n");
	snprintf(path, sizeof(path), "%s/t.profile", dir);
	cr_assert_eq(profile_load(&p, path), EX_CONFIG);
	err = err_text();
	cr_assert_not_null(strstr(err, "without '..'"), "%s", err);
	free(err);
}

Test(profile, templates_split_into_literals_and_columns)
{
	struct profile_tmpl t = { 0 };
	const char *why = NULL;

	cr_assert_eq(profile_tmpl_parse(&t, "{street}, {suburb} {postcode}", &why), 0);
	cr_assert_eq(t.n, 5);
	cr_assert(t.parts[0].is_col);
	cr_assert_str_eq(t.parts[0].text, "street");
	cr_assert_not(t.parts[1].is_col);
	cr_assert_str_eq(t.parts[1].text, ", ");
	profile_tmpl_free(&t);
	cr_assert_eq(profile_tmpl_parse(&t, "{street", &why), -1);
	cr_assert_not_null(why);
}
