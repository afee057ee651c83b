// The toolchain a translation unit is compiled by, as the toolchain matrix's modules report it.
#ifndef HOST_TESTS_MODULES_TOOLCHAINS_TOOLCHAIN_H_
#define HOST_TESTS_MODULES_TOOLCHAINS_TOOLCHAIN_H_

#if defined(__clang__)
#define TOOLCHAIN_COMPILER "clang++"
#else
#define TOOLCHAIN_COMPILER "g++"
#endif
#if defined(_LIBCPP_VERSION)
#define TOOLCHAIN_STDLIB "libc++"
#else
#define TOOLCHAIN_STDLIB "libstdc++"
#endif

// "clang++/libc++": the compiler and the standard library.
#define TOOLCHAIN TOOLCHAIN_COMPILER "/" TOOLCHAIN_STDLIB

#endif  // HOST_TESTS_MODULES_TOOLCHAINS_TOOLCHAIN_H_
