// Keeps libnativejmx.so loadable on glibc 2.34 although it is built on Debian 12 (glibc 2.36).
// The statically linked GCC 12 runtime refers to two newer glibc symbols; defining them here
// (hidden, inside the .so) makes the linker bind those references locally:
//   arc4random        (GLIBC_2.36) from libstdc++.a(random.o), std::random_device
//   _dl_find_object   (GLIBC_2.35) from libgcc_eh.a(unwind-dw2-fde-dip.o), the exception
//                     unwinder, which has no fallback once built against glibc >= 2.35.
// tests/build/check_so.sh checks the highest glibc version the .so needs.
#include <dlfcn.h>
#include <link.h>
#include <sys/random.h>

#include <cstdint>
#include <cstring>

extern "C" {

uint32_t arc4random(void) {
    uint32_t value;
    while (getrandom(&value, sizeof value, 0) != static_cast<ssize_t>(sizeof value)) {
    }
    return value;
}

namespace {

using FindObject = int (*)(void*, dl_find_object*);
// glibc's own where it has one (2.35+); dlvsym itself is GLIBC_2.34.
const FindObject kGlibcFindObject =
    reinterpret_cast<FindObject>(dlvsym(RTLD_DEFAULT, "_dl_find_object", "GLIBC_2.35"));

struct Search {
    uintptr_t pc;
    dl_find_object* out;
    bool found;
};

// The loaded object whose PT_LOAD segments contain pc, and its PT_GNU_EH_FRAME: all the
// unwinder reads of the result on x86-64.
int findContainingObject(dl_phdr_info* info, size_t, void* data) {
    auto* search = static_cast<Search*>(data);
    uintptr_t low = UINTPTR_MAX;
    uintptr_t high = 0;
    const void* ehFrame = nullptr;
    bool contains = false;
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& header = info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + header.p_vaddr;
        if (header.p_type == PT_LOAD) {
            low = start < low ? start : low;
            high = start + header.p_memsz > high ? start + header.p_memsz : high;
            contains = contains || (search->pc >= start && search->pc < start + header.p_memsz);
        } else if (header.p_type == PT_GNU_EH_FRAME) {
            ehFrame = reinterpret_cast<const void*>(start);
        }
    }
    if (!contains) return 0;
    std::memset(search->out, 0, sizeof *search->out);
    search->out->dlfo_map_start = reinterpret_cast<void*>(low);
    search->out->dlfo_map_end = reinterpret_cast<void*>(high);
    search->out->dlfo_eh_frame = const_cast<void*>(ehFrame);
    search->found = true;
    return 1;
}

}  // namespace

int _dl_find_object(void* pc, dl_find_object* out) {
    if (kGlibcFindObject != nullptr) return kGlibcFindObject(pc, out);
    Search search{reinterpret_cast<uintptr_t>(pc), out, false};
    dl_iterate_phdr(findContainingObject, &search);
    return search.found ? 0 : -1;
}

}  // extern "C"
