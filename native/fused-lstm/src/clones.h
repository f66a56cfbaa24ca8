// Clones for wider vectors, picked when the addon loads: the build machine need not be the one it runs
// on. For the element-wise loops and our own products; cblas picks its own kernels.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define VECTOR_CLONES
#endif
