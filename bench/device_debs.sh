# Sourced by the GPU-machine scripts (fullsplit_device.sh, cpu/run_bench_device.sh):
# use_debs DIR unpacks the .deb files of DIR (libjansson, SystemC: `make
# fullsplit-debs`) into /tmp/lpcs-debs and points the compilers, the linker
# and the loader there, for a machine that lacks them. Returns 1 (with the
# file named on stderr) if a package cannot be unpacked.
use_debs() {
  local root=/tmp/lpcs-debs f
  local lib=$root/usr/lib/x86_64-linux-gnu
  mkdir -p "$root"
  for f in "$1"/*.deb; do # dpkg -x, or ar + tar where dpkg is missing
    if command -v dpkg >/dev/null; then dpkg -x "$f" "$root"
    else ar p "$f" "$(ar t "$f" | grep '^data\.tar')" | tar -xJ -C "$root"; fi || { echo "cannot unpack $f" >&2; return 1; }
  done
  # C_INCLUDE_PATH / CPLUS_INCLUDE_PATH, not CPATH: CPATH directories are not
  # system directories, so SystemC's header warnings would fail -Werror builds.
  export C_INCLUDE_PATH=$root/usr/include${C_INCLUDE_PATH:+:$C_INCLUDE_PATH}
  export CPLUS_INCLUDE_PATH=$root/usr/include${CPLUS_INCLUDE_PATH:+:$CPLUS_INCLUDE_PATH}
  export LIBRARY_PATH=$lib${LIBRARY_PATH:+:$LIBRARY_PATH}
  export LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
}
