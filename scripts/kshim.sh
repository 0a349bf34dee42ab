#!/usr/bin/env bash
# kshim.sh - build foliofuzz with real kernel code from a user's tree
# (docs/kshim.md): prepare the tree out of tree, run the layout gate,
# extract and bridge the picks, and build bin/foliofuzz and bin/fuzz_<T>
# with the tree's code linked in.
#
#   scripts/kshim.sh --kernel-src SRC [--pick LIST] [--out DIR] [--no-build]
#
# LIST: comma-separated picks of src/kshim/picks.tsv (default: all that
# the tree's version supports: dax, freecheck, pageflags, util).
# SRC is a kernel source tree or a kernel source tarball (.tar, .tar.xz,
# .tar.gz; Debian's linux-source-6.12 installs /usr/src/
# linux-source-6.12.tar.xz).  Nothing is written into SRC: a tarball is
# unpacked under build/kshim-src/, and the kernel is configured out of tree
# (make O=DIR/kbuild defconfig, plus the options the model needs: MEMCG,
# TRANSPARENT_HUGEPAGE, ZONE_DEVICE, DEVICE_PRIVATE, FS_DAX,
# MEMORY_FAILURE, IDLE_PAGE_TRACKING; make prepare).
#
# Into DIR (default build/kshim-<kernelrelease>/) it writes:
#   kbuild/          the out-of-tree configuration: a link into the cache
#                    (FF_KSHIM_CACHE, default ~/.cache/foliofuzz-kshim), which
#                    also holds unpacked tarballs, so fresh clones share them
#   cflags           the tree's C flags, less kernel-only code generation
#   ks_enums.h       enum pageflags / pagetype members under that .config
#   dump_layout      src/kshim/bridge_layout.c built against the tree
#   layout.tsv       what it prints: release, fields, enum values
#   gate.txt         `foliofuzz kshim-gate layout.tsv`: the differences
#                    from the model and the helpers refused
#   gen/             the tree's extracted code and generated headers
#                    (scripts/kshim_picks.py; GPL: never commit it)
#   obj/             bridge objects, compiled with the tree's flags
#   cmake/           the foliofuzz build (asan preset, FF_KSHIM_DIR=DIR)
#   bin/             foliofuzz and fuzz_<target> of that build
# Each step is skipped when its inputs did not change (a stamp holds the
# tree's release and the hashes of the files it used), so a rerun is fast.
#
# Exit 0 with the gate's result; 2 on bad usage, a SRC that is not a kernel
# tree, or a missing tool; 1 when a build step fails (its log is named).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble kshim.sh || exit 1

FF_USAGE="usage: scripts/kshim.sh --kernel-src SRC [--pick LIST] [--out DIR] [--no-build]"
src= out= build=1 picks=
while [ $# -gt 0 ]; do
	ff_opt "--kernel-src --out --pick" "$@" || ff_usage "$FF_OPT $FF_ERR"
	shift "$FF_SHIFT"
	case $FF_OPT in
	--kernel-src) src=$FF_VAL ;;
	--pick) picks=$FF_VAL ;;
	--out) out=$FF_VAL ;;
	--no-build) build=0 ;;
	-h | --help) ff_usage ;;
	*) ff_usage "unknown argument '$FF_OPT'" ;;
	esac
done
[ -n "$src" ] || ff_usage "--kernel-src is required"
[ -e "$src" ] || ff_die 2 "$src: no such file or directory"
for tool in make gcc flex bison bc python3 tar cmake; do
	command -v "$tool" >/dev/null ||
		ff_die 2 "$tool is missing (Debian: apt-get install make gcc flex bison bc python3 tar cmake libelf-dev)"
done
# objtool, built by make prepare, needs libelf's headers
[ -f /usr/include/libelf.h ] || [ -f /usr/include/libelf/libelf.h ] ||
	ff_die 2 "libelf's headers are missing (Debian: apt-get install libelf-dev)"

root=$(pwd)
src=$(realpath "$src")
# The unpacked tarball and the prepared configuration are kept outside the
# checkout, so fresh clones on one machine (CI) share them.  One kshim.sh at
# a time prepares them (flock).
cache=${FF_KSHIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/foliofuzz-kshim}
mkdir -p "$cache" || ff_die 2 "cannot create the cache directory $cache"
exec 9>"$cache/.lock"
command -v flock >/dev/null && flock 9

# ---- the tree: a directory as it is, a tarball unpacked once ---------------
if [ -f "$src" ]; then
	key=$(sha256sum "$src" | cut -c1-16)
	unpack=$cache/src/$key
	if [ ! -f "$unpack/.unpacked" ]; then
		ff_say "unpacking $src (once; cached in $unpack)"
		rm -rf "$unpack" && mkdir -p "$unpack"
		tar -xf "$src" -C "$unpack" ||
			ff_die 2 "$src: not a tarball tar can read"
		touch "$unpack/.unpacked"
	fi
	tree=$(find "$unpack" -mindepth 1 -maxdepth 2 -name Makefile \
		-path '*/Makefile' -printf '%h\n' | head -1)
else
	tree=$src
fi
if [ -z "$tree" ] || [ ! -f "$tree/Makefile" ] ||
	[ ! -f "$tree/include/linux/mm_types.h" ] ||
	[ ! -f "$tree/include/linux/page-flags.h" ]; then
	ff_die 2 "$src: not a kernel source tree (no Makefile, include/linux/mm_types.h, page-flags.h)"
fi
release=$(make -s -C "$tree" kernelversion 2>/dev/null) ||
	ff_die 2 "$tree: 'make kernelversion' failed: not a kernel tree"
case $release in
6.1[2-9]* | 6.[2-9][0-9]* | [7-9].*) ;;
*) ff_die 2 "$tree: Linux $release is not supported (6.12 or later)" ;;
esac
out=${out:-build/kshim-$release}
mkdir -p "$out" && out=$(cd "$out" && pwd)
# the prepared configuration, per tree, in the cache (out/kbuild links it)
kb=$cache/kbuild/$(printf '%s\n' "$tree" "$release" | sha256sum | cut -c1-16)
mkdir -p "$kb" && ln -sfn "$kb" "$out/kbuild"
ff_say "kernel tree $tree, Linux $release; output in $out"

# ---- out-of-tree configuration and prepare, cached -------------------------
# the options the picks and the model need on top of defconfig, and one
# off: HUGETLBFS (the model has no hugetlb), which brings
# HUGETLB_PAGE_OPTIMIZE_VMEMMAP, with which compound_head() tests a static
# key for the fake heads of vmemmap-optimised hugetlb pages: an asm goto
# that cannot be built into a userspace object
kopts="MEMCG TRANSPARENT_HUGEPAGE MEMORY_HOTPLUG MEMORY_HOTREMOVE ZONE_DEVICE
DEVICE_PRIVATE FS_DAX LIBNVDIMM BLK_DEV_PMEM MEMORY_FAILURE IDLE_PAGE_TRACKING"
kopts_off="HUGETLBFS"
stamp_of() { # what the configuration depends on
	printf '%s\n' "$release" "$tree" $kopts -- $kopts_off
	sha256sum "$tree/Makefile" | cut -c1-64
}
if [ "$build" = 1 ] && ! cmp -s <(stamp_of) "$kb/.ff-stamp" 2>/dev/null; then
	ff_say "configuring out of tree (make O=$kb defconfig, prepare; cached); log: $kb.log"
	mkdir -p "$kb"
	{
		make -C "$tree" O="$kb" defconfig &&
			"$tree/scripts/config" --file "$kb/.config" \
				$(printf -- '-e %s ' $kopts) \
				$(printf -- '-d %s ' $kopts_off) &&
			make -C "$tree" O="$kb" olddefconfig &&
			make -C "$tree" O="$kb" -j"$(nproc)" prepare
	} >"$kb.log" 2>&1 || ff_die 1 "configuring the kernel failed; see $kb.log"
	stamp_of >"$kb/.ff-stamp"
fi
[ -f "$kb/include/generated/utsrelease.h" ] ||
	ff_die 1 "$kb is not prepared (run without --no-build)"
exec 9>&- # the cache is ready: release the lock
for opt in MEMCG TRANSPARENT_HUGEPAGE ZONE_DEVICE FS_DAX; do
	grep -q "^CONFIG_$opt=y" "$kb/.config" ||
		ff_die 1 "CONFIG_$opt did not stay set in $kb/.config"
done
for opt in $kopts_off HUGETLB_PAGE_OPTIMIZE_VMEMMAP; do
	! grep -q "^CONFIG_$opt=y" "$kb/.config" ||
		ff_die 1 "CONFIG_$opt did not stay off in $kb/.config"
done

# ---- the tree's C flags, from one kbuild compile of an external file -------
if [ ! -s "$out/cflags" ] || [ "$kb/.ff-stamp" -nt "$out/cflags" ]; then
	ff_say "reading the tree's compiler flags"
	probe=$out/probe
	rm -rf "$probe" && mkdir -p "$probe"
	echo 'obj-m := probe.o' >"$probe/Kbuild"
	printf '#include <linux/mm.h>\nint ff_probe(void);\nint ff_probe(void) { return 0; }\n' >"$probe/probe.c"
	# modpost fails without a built vmlinux; the compile line is all we want
	make -C "$tree" O="$kb" M="$probe" V=1 modules >"$probe/build.log" 2>&1 || true
	python3 "$root/scripts/kshim_tool.py" flags "$probe/build.log" >"$out/cflags.new" ||
		ff_die 1 "no compile command in $probe/build.log"
	mv "$out/cflags.new" "$out/cflags"
fi
cc=$(sed -n 1p "$out/cflags")
eval "kflags=($(sed -n 2p "$out/cflags"))"

# ---- the layout bridge ------------------------------------------------------
ff_say "building the layout bridge against Linux $release"
printf '#include <linux/page-flags.h>\n' >"$out/enums.c"
(cd "$kb" && "$cc" "${kflags[@]}" -E "$out/enums.c" -o "$out/enums.i") \
	>"$out/bridge.log" 2>&1 || ff_die 1 "preprocessing page-flags.h failed; see $out/bridge.log"
python3 "$root/scripts/kshim_tool.py" enums "$out/enums.i" >"$out/ks_enums.h" ||
	ff_die 1 "no page flags in $out/enums.i"
(cd "$kb" && "$cc" "${kflags[@]}" -fPIC -Wno-attributes -I"$out" -c \
	"$root/src/kshim/bridge_layout.c" -o "$out/bridge_layout.o") \
	>>"$out/bridge.log" 2>&1 || ff_die 1 "the layout bridge did not compile; see $out/bridge.log"
"$cc" "$root/src/kshim/dump_layout.c" "$out/bridge_layout.o" -o "$out/dump_layout" \
	>>"$out/bridge.log" 2>&1 || ff_die 1 "the layout dumper did not link; see $out/bridge.log"
"$out/dump_layout" >"$out/layout.tsv" || ff_die 1 "$out/dump_layout failed"

# ---- the gate ---------------------------------------------------------------
cli=${FF_CLI:-}
if [ -z "$cli" ]; then
	ff_build asan foliofuzz >/dev/null || ff_die 1 "building foliofuzz failed"
	cli=$root/build/asan/bin/foliofuzz
fi
"$cli" kshim-gate "$out/layout.tsv" >"$out/gate.txt" || ff_die 1 "the gate could not read $out/layout.tsv"
grep -E '^(differs|gate:)' "$out/gate.txt" | sed "s/^/$FF_NAME: /"
ff_say "gate result and refused helpers: $out/gate.txt"
[ "$build" = 1 ] || exit 0

# ---- the picks: extract into gen/, bridges into obj/ ------------------------
ff_say "extracting the picks${picks:+ ($picks)} from Linux $release"
mkdir -p "$out/gen" "$out/obj"
cmp -s "$out/ks_enums.h" "$out/gen/ks_enums.h" || cp "$out/ks_enums.h" "$out/gen/ks_enums.h"
bridges=$(python3 "$root/scripts/kshim_picks.py" generate --root "$root" \
	--tree "$tree" --out "$out" --release "$release" --picks "$picks") ||
	exit 2
while read -r kind pick file; do
	[ "$kind" = bridge ] || continue
	o=$out/obj/bridge_$pick.o
	# again only when the bridge, what it includes of ours, or the flags
	# changed (a rerun with nothing changed relinks nothing)
	if [ -f "$o" ] && [ -z "$(find "$file" "$root/src/kshim" "$out/cflags" \
		"$out/gen/ks_enums.h" -newer "$o" -name '*' -print -quit)" ]; then
		continue
	fi
	ff_say "compiling the $pick bridge with the tree's headers and flags"
	(cd "$kb" && "$cc" "${kflags[@]}" -fPIC -Wno-attributes -I"$out/gen" \
		-I"$root/src/kshim" -c "$file" -o "$o.tmp" && mv "$o.tmp" "$o") \
		>>"$out/bridge.log" 2>&1 ||
		ff_die 1 "the $pick bridge did not compile; see $out/bridge.log"
done <<<"$bridges"
cmp -s "$out/gate.txt" "$out/gen/gate.txt" || cp "$out/gate.txt" "$out/gen/gate.txt"

# ---- foliofuzz with the real code linked in ---------------------------------
ff_say "building foliofuzz and the fuzz targets against Linux $release; log: $out/cmake.log"
targets="foliofuzz $(sed -n 's/^set(FF_FUZZ_TARGETS \(.*\))/\1/p' "$root/CMakeLists.txt" |
	sed 's/\([a-z_]*\)/fuzz_\1 fuzz_\1_replay/g')
$(cd "$root/tests/kshim" && ls test_*.c | sed 's/\.c$//')"
{
	cmake --preset asan -S "$root" -B "$out/cmake" -DFF_KSHIM_DIR="$out" &&
		cmake --build "$out/cmake" -j"$(nproc)" --target $targets
} >"$out/cmake.log" 2>&1 || ff_die 1 "the kshim build failed; see $out/cmake.log"
ln -sfn cmake/bin "$out/bin"
ff_say "built $out/bin/: $targets; its manifest: $out/bin/foliofuzz kshim"
