/* SPDX-License-Identifier: MIT */
/* tests/fuzz/probe.c: linked at configure time (tests/fuzz/meson.build)
 * to learn whether the compiler can build libFuzzer targets with ASan
 * and UBSan; never run. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
