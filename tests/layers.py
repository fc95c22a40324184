#!/usr/bin/env python3
"""layers.py - check that lib/ keeps its layers (lib/README.md).

usage: layers.py SRCDIR [OBJECT-OR-ARCHIVE ...]

1. Includes: every file in lib/<folder>/ may include only headers of its
   own folder and of the folders the "may use" column of lib/README.md
   names, always written with the folder ("dns/dns.h"); milter/ and the
   tests may include any folder. A header that does not exist is an error.
2. Calls (when objects or archives of lib/ are given): a function of one
   folder may call only into the folders it may use, and no two files
   call each other in a circle, directly or through others (the symbol
   graph of `nm`, strongly connected components). Given the folders'
   libraries, each folder must have one and every .c file of the folder
   must be in it.

Prints each problem as "file: what" and exits 1 when there is one.
"""
import collections
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+(?:"([^"]+)"|<([^>]+)>)')


def read_layers(srcdir):
    """folder -> set of folders it may use, from lib/README.md's table"""
    layers = {}
    with open(os.path.join(srcdir, 'lib', 'README.md')) as f:
        for line in f:
            m = re.match(r'^\|\s*`([a-z0-9_]+)/`\s*\|[^|]*\|([^|]*)\|\s*$',
                         line)
            if m:
                uses = m.group(2).split()
                layers[m.group(1)] = {u for u in uses if u != '-'}
    return layers


def check_table(srcdir, layers, problems):
    """the table names each folder of lib/ once, and only folders above"""
    libdir = os.path.join(srcdir, 'lib')
    present = {d for d in os.listdir(libdir)
               if os.path.isdir(os.path.join(libdir, d))}
    for d in sorted(present - set(layers)):
        problems.append('lib/README.md: folder lib/%s/ is not in the '
                        'table' % d)
    for d in sorted(set(layers) - present):
        problems.append('lib/README.md: the table names lib/%s/, which '
                        'does not exist' % d)
    order = list(layers)
    for i, d in enumerate(order):
        for u in sorted(layers[d]):
            if u not in layers:
                problems.append('lib/README.md: %s/ may use unknown '
                                'folder %s/' % (d, u))
            elif order.index(u) >= i:
                problems.append('lib/README.md: %s/ may use %s/, which '
                                'is not listed before it' % (d, u))


def check_includes(srcdir, layers, problems):
    """includes point down: lib/<folder> only to folders it may use"""
    for top in ('lib', 'milter', 'tests'):
        for dirpath, _, files in sorted(os.walk(os.path.join(srcdir, top))):
            for name in sorted(files):
                if not name.endswith(('.c', '.h')):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, srcdir)
                parts = rel.split(os.sep)
                own = parts[1] if top == 'lib' and len(parts) == 3 else None
                if top == 'lib' and own is None:
                    problems.append('%s: source files of lib/ live in a '
                                    'folder of a layer' % rel)
                    continue
                check_file(srcdir, path, rel, own, layers, problems)


def check_file(srcdir, path, rel, own, layers, problems):
    """the includes of one file"""
    with open(path, errors='replace') as f:
        for lineno, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1) or m.group(2)
            where = '%s:%d' % (rel, lineno)
            if target == 'config.h':
                continue
            if own is not None and target.split('/')[0] in ('.', '..',
                                                             'lib'):
                problems.append('%s: include "%s" by its folder under '
                                'lib/ ("folder/name.h"), not by a path' %
                                (where, target))
                continue
            if m.group(2) is not None and target.split('/')[0] not in \
                    layers:
                continue	# a system header
            if '/' not in target:
                if own is not None:
                    problems.append('%s: include "%s" with its folder '
                                    '("%s")' % (where, target,
                                                header_path(srcdir, target)))
                continue
            folder = target.split('/')[0]
            if folder not in layers:
                continue	# a system-style path such as libmilter/
            if not os.path.exists(os.path.join(srcdir, 'lib', target)):
                problems.append('%s: "%s" does not exist' % (where, target))
            elif own is not None and folder != own and \
                    folder not in layers[own]:
                problems.append('%s: %s/ includes "%s", but %s/ may use %s '
                                '(lib/README.md)' % (
                                    where, own, target, own,
                                    ' '.join('%s/' % u for u in
                                             sorted(layers[own])) or
                                    'no other folder'))


def header_path(srcdir, name):
    """the folder/name a header of lib/ is included as, or "folder/name" """
    for folder in sorted(os.listdir(os.path.join(srcdir, 'lib'))):
        if os.path.exists(os.path.join(srcdir, 'lib', folder, name)):
            return '%s/%s' % (folder, name)
    return 'folder/%s' % name


def nm_symbols(path):
    """(member, kind, symbol) of an object file or of each archive member"""
    out = subprocess.run([os.environ.get('NM', 'nm'), path],
                         capture_output=True, text=True, check=True).stdout
    member = os.path.basename(path)
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 1 and line.endswith(':'):
            member = line[:-1]
        elif len(fields) == 3:
            yield member, fields[1], fields[2]
        elif len(fields) == 2:
            yield member, fields[0], fields[1]


def check_members(srcdir, files, layers, problems):
    """one library per folder, holding every .c file of its folder"""
    libs = {}
    for path in files:
        folder = os.path.basename(os.path.dirname(os.path.abspath(path)))
        if path.endswith('.a'):
            libs[folder] = path
    for folder in layers:
        if folder not in libs:
            problems.append('lib/%s/: no library libauthgate_%s.a given' %
                            (folder, folder))
            continue
        want = {f[:-2] for f in os.listdir(os.path.join(srcdir, 'lib',
                                                         folder))
                if f.endswith('.c')}
        have = {os.path.basename(m)[:-2] for m, _, _ in
                nm_symbols(libs[folder]) if m.endswith('.o')}
        for stem in sorted(want - have):
            problems.append('lib/%s/%s.c: not in its folder\'s library %s' %
                            (folder, stem, os.path.basename(libs[folder])))


def check_calls(files, layers, problems):
    """calls point down and no files call each other in a circle"""
    defined = {}
    used = collections.defaultdict(set)
    nodes = []
    for path in files:
        folder = os.path.basename(os.path.dirname(os.path.abspath(path)))
        for member, kind, sym in nm_symbols(path):
            node = '%s/%s' % (folder, os.path.basename(member))
            if node not in nodes:
                nodes.append(node)
            if kind in 'TDBRCVWG':
                defined[sym] = node
            elif kind in 'Uwv':
                used[node].add(sym)
    edges = collections.defaultdict(dict)
    for node in nodes:
        for sym in sorted(used[node]):
            target = defined.get(sym)
            if target is None or target == node:
                continue
            edges[node].setdefault(target, sym)
    for node in nodes:
        own = node.split('/')[0]
        for target, sym in sorted(edges[node].items()):
            folder = target.split('/')[0]
            if own in layers and folder != own and \
                    folder not in layers[own]:
                problems.append('lib/%s: calls %s() of lib/%s: %s/ may '
                                'not use %s/' % (node, sym, target, own,
                                                 folder))
    for comp in circles(nodes, edges):
        desc = ', '.join('%s -> %s (%s)' % (a, b, edges[a][b])
                         for a in comp for b in sorted(edges[a])
                         if b in comp)
        problems.append('lib: files call each other in a circle: %s' %
                        desc)


def circles(nodes, edges):
    """strongly connected components with more than one node (Tarjan)"""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            visit(v)
    return out


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    srcdir = argv[1]
    problems = []
    layers = read_layers(srcdir)
    if not layers:
        print('lib/README.md: no layer table found', file=sys.stderr)
        return 1
    check_table(srcdir, layers, problems)
    check_includes(srcdir, layers, problems)
    if len(argv) > 2:
        if any(f.endswith('.a') for f in argv[2:]):
            check_members(srcdir, argv[2:], layers, problems)
        check_calls(argv[2:], layers, problems)
    for p in problems:
        print(p)
    if problems:
        return 1
    print('layers: %d folders, includes and calls point down, no circles' %
          len(layers))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
