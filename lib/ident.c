/*
 * ident.c - normalise identifiers before anything compares them: struct ident, free text,
 * device ids and IPs. Phones, emails and addresses have files of their own (phone.c, email.c,
 * address.c) that use this one and text.c; payment instruments (payment.c) sit above them all.
 */
#include "casekit.h"
#include "ident.h"
#include "text.h"
#include <arpa/inet.h>

void ident_reset(struct ident *id)
{
	buf_reset(&id->value);
	buf_reset(&id->note);
	buf_reset(&id->flags);
	buf_reset(&id->building);
	id->last4[0] = '\0';
}

void ident_free(struct ident *id)
{
	buf_free(&id->value);
	buf_free(&id->note);
	buf_free(&id->flags);
	buf_free(&id->building);
}

void ident_add_word(struct buf *b, const char *word)
{
	if (b->len)
		buf_addc(b, ',');
	buf_adds(b, word);
}

/* Trim and collapse runs of white space to one space, in place. */
static void squeeze_space(struct buf *b)
{
	size_t i = 0, j = 0, k;
	int c, pending = 0;

	while (i < b->len) {
		k = i;
		c = text_next_cp(b->s, b->len, &i);
		if (text_is_space(c)) {
			pending = j > 0;
			continue;
		}
		if (pending)
			b->s[j++] = ' ';
		pending = 0;
		memmove(b->s + j, b->s + k, i - k);
		j += i - k;
	}
	b->len = j;
	b->s[j] = '\0';
}

int ident_text(const char *raw, struct ident *id)
{
	ident_reset(id);
	if (!raw || text_fold(raw, strlen(raw), &id->value) < 0)
		return -1;
	squeeze_space(&id->value);
	return id->value.len ? 0 : -1;
}

/* Device ids */

static int device_is_null(const char *v, size_t n)
{
	static const char *const words[] = { "unknown", "null", "nil", "none", "n/a", "na",
		"undefined", "(null)", "default", "device_id", "deviceid", "idfa", "test", NULL };
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0)
			return 1;
	/* One character repeated: the zero advertising id, IMEI 000000000000000, "ffff...". */
	for (i = 1; i < n; i++)
		if (v[i] != v[0])
			return 0;
	return 1;
}

int ident_device(const char *raw, struct ident *id)
{
	struct buf *v = &id->value;
	size_t i, j = 0, stripped = 0;

	if (ident_text(raw, id))
		return -1;
	/* GUIDs come as {A1B2...}, A1B2-..., a1b2...: braces, hyphens, colons and spaces go. */
	for (i = 0; i < v->len; i++) {
		char c = v->s[i];

		if (c == '{' || c == '}' || c == '-' || c == ':' || c == ' ' || c == '_') {
			stripped = 1;
			continue;
		}
		v->s[j++] = c;
	}
	v->s[j] = '\0';
	v->len = j;
	if (stripped)
		ident_add_word(&id->note, "separators stripped");
	if (text_refold(v) < 0)
		return ident_reset(id), -1;
	if (!v->len) {
		/* "{-}", "--": nothing but separators, a null id all the same */
		buf_adds(v, "-");
	}
	if (device_is_null(v->s, v->len)) {
		ident_add_word(&id->note, "null device id");
		ident_add_word(&id->flags, "null");
		ident_add_word(&id->flags, "nolink");
	}
	return 0;
}

/* IP addresses */

static int in4(const unsigned char *a, unsigned net, unsigned bits)
{
	uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	uint32_t mask = bits ? 0xffffffffu << (32 - bits) : 0;

	return (x & mask) == (net & mask);
}

/* The class of an IPv4 address that never identifies one customer, or NULL. */
static const char *class4(const unsigned char *a)
{
	static const struct {
		unsigned net, bits;
		const char *flag;
	} nets[] = {
		{ 0x00000000, 8, "reserved" },       /* 0/8 "this network" */
		{ 0x0a000000, 8, "private" },        /* 10/8 */
		{ 0x64400000, 10, "cgnat" },         /* 100.64/10 carrier-grade NAT */
		{ 0x7f000000, 8, "loopback" },       /* 127/8 */
		{ 0xa9fe0000, 16, "linklocal" },     /* 169.254/16 */
		{ 0xac100000, 12, "private" },       /* 172.16/12 */
		{ 0xc0000000, 24, "reserved" },      /* 192.0.0/24 IETF protocol assignments */
		{ 0xc0000200, 24, "documentation" }, /* 192.0.2/24 TEST-NET-1 */
		{ 0xc0a80000, 16, "private" },       /* 192.168/16 */
		{ 0xc6120000, 15, "benchmark" },     /* 198.18/15 */
		{ 0xc6336400, 24, "documentation" }, /* 198.51.100/24 TEST-NET-2 */
		{ 0xcb007100, 24, "documentation" }, /* 203.0.113/24 TEST-NET-3 */
		{ 0xe0000000, 4, "multicast" },      /* 224/4 */
		{ 0xf0000000, 4, "reserved" },       /* 240/4 and the broadcast address */
	};
	size_t i;

	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		if (in4(a, nets[i].net, nets[i].bits))
			return nets[i].flag;
	return NULL;
}

static const char *class6(const unsigned char *a)
{
	static const unsigned char zero[16];

	if (memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1))
		return a[15] ? "loopback" : "reserved";
	if ((a[0] & 0xfe) == 0xfc)
		return "private"; /* fc00::/7 unique local */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "linklocal"; /* fe80::/10 */
	if (a[0] == 0xff)
		return "multicast";
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
		return "documentation"; /* 2001:db8::/32 */
	return NULL;
}

int ident_ip(const char *raw, struct ident *id)
{
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN + 8], out[INET6_ADDRSTRLEN];
	const char *s, *e, *cls;
	size_t n;
	int v6;

	ident_reset(id);
	if (!raw)
		return -1;
	for (s = raw; *s == ' ' || *s == '\t'; s++)
		;
	for (e = s + strlen(s);
		e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'); e--)
		;
	/* Web logs write [2001:db8::1]:443 and 203.0.113.9:5060; the port is not the address. */
	if (s < e && *s == '[') {
		const char *close = memchr(s, ']', (size_t)(e - s));

		if (!close)
			return -1;
		s++;
		e = close;
	}
	n = (size_t)(e - s);
	if (n == 0 || n >= sizeof(text))
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	v6 = strchr(text, ':') != NULL;
	if (v6 && strchr(text, '.') && strchr(text, ':') == strrchr(text, ':')) {
		*strchr(text, ':') = '\0'; /* a.b.c.d:port */
		v6 = 0;
	}
	if (v6 && strchr(text, '%'))
		*strchr(text, '%') = '\0'; /* zone id: fe80::1%eth0 */
	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, a) != 1)
		return -1;
	if (v6) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
			0xff };

		if (memcmp(a, mapped, 12) == 0) {
			memmove(a, a + 12, 4);
			v6 = 0;
			ident_add_word(&id->note, "ipv4-mapped");
		}
	}
	cls = v6 ? class6(a) : class4(a);
	if (v6 && !cls) {
		/* One household or one phone gets a whole /64: the prefix is the identifier. */
		memset(a + 8, 0, 8);
		ident_add_word(&id->note, "ipv6 /64 prefix");
	}
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, a, out, sizeof(out)))
		return -1;
	buf_adds(&id->value, out);
	if (v6 && !cls)
		buf_adds(&id->value, "/64");
	if (cls) {
		ident_add_word(&id->flags, cls);
		ident_add_word(&id->flags, "nolink");
		ident_add_word(&id->note, cls);
	}
	return 0;
}
