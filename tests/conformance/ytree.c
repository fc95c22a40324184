/*
 * ytree - YAML streams as trees, over libyaml's event parser; see ytree.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "util/mem.h"
#include "util/str.h"
#include "ytree.h"

/* ytree_add - append a child */
static void
ytree_add(struct ynode *parent, struct ynode *child)
{
	parent->items = mem_realloc(parent->items, (parent->n + 1) *
	    sizeof(*parent->items));
	parent->items[parent->n++] = child;
}

/* ytree_node_free - a node and everything below it */
static void
ytree_node_free(struct ynode *y)
{
	size_t i;

	if (y == NULL)
		return;
	for (i = 0; i < y->n; i++)
		ytree_node_free(y->items[i]);
	mem_free(y->items);
	mem_free(y->s);
	mem_free(y);
}

/* ytree_load - parse a whole stream */
struct ynode **
ytree_load(const char *path, size_t *ndocs, str *err)
{
	struct ynode **docs, *stack[64], *node;
	yaml_parser_t parser;
	yaml_event_t ev;
	FILE *f;
	int depth, done;

	*ndocs = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		str_appendf(err, "cannot open %s", path);
		return NULL;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	docs = NULL;
	depth = 0;
	for (done = 0; !done; ) {
		if (!yaml_parser_parse(&parser, &ev)) {
			str_appendf(err, "%s: YAML error at line %zu: %s", path,
			    parser.problem_mark.line + 1, parser.problem ?
			    parser.problem : "?");
			ytree_free(docs, *ndocs);
			docs = NULL;
			break;
		}
		node = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_SCALAR_EVENT:
			node = mem_calloc(1, sizeof(*node));
			node->kind = Y_SCALAR;
			node->len = ev.data.scalar.length;
			node->s = mem_alloc(node->len + 1);
			memcpy(node->s, ev.data.scalar.value, node->len);
			node->s[node->len] = '\0';
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			node = mem_calloc(1, sizeof(*node));
			node->kind = ev.type == YAML_SEQUENCE_START_EVENT ?
			    Y_SEQ : Y_MAP;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			if (depth == 0) {
				docs = mem_realloc(docs, (*ndocs + 1) *
				    sizeof(*docs));
				docs[(*ndocs)++] = stack[0];
			}
			break;
		default:
			break;
		}
		if (node != NULL) {
			if (depth > 0)
				ytree_add(stack[depth - 1], node);
			if (node->kind != Y_SCALAR) {
				if (depth >= 64) {
					str_appendf(err, "%s: nested too deep",
					    path);
					yaml_event_delete(&ev);
					ytree_free(docs, *ndocs);
					docs = NULL;
					break;
				}
				stack[depth++] = node;
			} else if (depth == 0)
				ytree_node_free(node);	/* a bare scalar doc */
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return docs;
}

/* ytree_is - a scalar with exactly this text */
int
ytree_is(const struct ynode *y, const char *text)
{
	return y != NULL && y->kind == Y_SCALAR && y->len == strlen(text) &&
	    memcmp(y->s, text, y->len) == 0;
}

/* ytree_get - a mapping's value for a key */
struct ynode *
ytree_get(const struct ynode *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != Y_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2)
		if (ytree_is(map->items[i], key))
			return map->items[i + 1];
	return NULL;
}

/* ytree_free - all documents */
void
ytree_free(struct ynode **docs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ytree_node_free(docs[i]);
	mem_free(docs);
}
