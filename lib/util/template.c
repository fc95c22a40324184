/*
 * template - admin-written reply texts with macros; see template.h.
 */
#include "config.h"

#include <string.h>

#include "util/str.h"
#include "util/template.h"

/* template_macro - at "%{": the name's length, or -1 if not closed */
static long
template_macro(const char *p)
{
	const char *end;

	if ((end = strchr(p + 2, '}')) == NULL)
		return -1;
	return (long)(end - (p + 2));
}

/* template_check - every macro known, text printable and bounded */
int
template_check(const char *text, const char *const *names, str *err)
{
	const char *p;
	long n;
	size_t i;

	str_reset(err);
	if (strlen(text) > TEMPLATE_MAX) {
		str_appendf(err, "text longer than %d bytes", TEMPLATE_MAX);
		return -1;
	}
	for (p = text; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			str_append(err, "text must be printable ASCII (it "
			    "goes into an SMTP reply)");
			return -1;
		}
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (p[1] != '{' || (n = template_macro(p)) < 0) {
			str_append(err, "a \"%\" must start a macro such as "
			    "%{ip} (write %% for a percent sign)");
			return -1;
		}
		for (i = 0; names[i] != NULL; i++)
			if (strlen(names[i]) == (size_t)n &&
			    strncmp(names[i], p + 2, (size_t)n) == 0)
				break;
		if (names[i] == NULL) {
			str_append(err, "unknown macro %{");
			str_append_printable(err, p + 2, (size_t)n, 40);
			str_append(err, "} (known:");
			for (i = 0; names[i] != NULL; i++)
				str_appendf(err, " %%{%s}", names[i]);
			str_append_c(err, ')');
			return -1;
		}
		p += n + 2;
	}
	return 0;
}

/* template_expand - the text with its macros filled in */
void
template_expand(const char *text, const struct template_var *vars,
    size_t nvars, str *out)
{
	const char *p, *v;
	long n;
	size_t i;

	for (p = text; *p != '\0'; p++) {
		if (*p != '%') {
			str_append_c(out, *p);
			continue;
		}
		if (p[1] == '%') {
			str_append_c(out, '%');
			p++;
			continue;
		}
		if (p[1] != '{' || (n = template_macro(p)) < 0) {
			str_append_c(out, '%');
			continue;
		}
		v = NULL;
		for (i = 0; i < nvars; i++)
			if (strlen(vars[i].name) == (size_t)n &&
			    strncmp(vars[i].name, p + 2, (size_t)n) == 0) {
				v = vars[i].value;
				break;
			}
		if (v != NULL)
			str_append_printable(out, v, strlen(v),
			    TEMPLATE_VALUE_MAX);
		p += n + 2;
	}
}
