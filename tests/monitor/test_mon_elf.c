/* SPDX-License-Identifier: MIT */
/* tests/monitor/test_mon_elf.c: PVH ELF validation and loading (monitor).
 * tests/monitor/gen_bad_images.py covers many more malformed files end
 * to end; these pin the checks and the loader's contract. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mon.h"
#include "mon_elf.h"

#define MEM   (16ull << 20)
#define PA    0x100000u
#define CODE  0x1000u
#define NOTE  0x200u

static uint8_t img[CODE + 16];
static char err[256];
static struct mon_image out;

static Elf64_Phdr *ph(unsigned i)
{
	return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + i;
}

/* ELF header, PT_LOAD (R-X, 16 bytes of file, 0x3000 in memory),
 * PT_NOTE with the PVH note, 8-byte desc. */
static int setup(void **state)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	uint32_t note[] = { 4, 8, 18, 0x006e6558, PA, 0 };

	(void)state;
	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 2;
	*ph(0) = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, CODE, PA, PA, 16, 0x3000, 0x1000 };
	*ph(1) = (Elf64_Phdr){ PT_NOTE, PF_R, NOTE, 0, 0, sizeof(note),
			       sizeof(note), 4 };
	memcpy(img + NOTE, note, sizeof(note));
	memset(img + CODE, 0xf4, 16);
	return 0;
}

static int check(void)
{
	err[0] = '\0';
	return mon_elf_check(img, sizeof(img), MEM, &out, err, sizeof(err));
}

static void test_elf_valid_image_gives_entry_and_segment(void **state)
{
	(void)state;
	assert_int_equal(check(), 0);
	assert_int_equal(out.entry, PA);
	assert_int_equal(out.nseg, 1);
	assert_int_equal(out.seg[0].memsz, 0x3000);
}

static void test_elf_four_byte_desc_is_accepted(void **state)
{
	(void)state;
	((uint32_t *)(img + NOTE))[1] = 4;
	ph(1)->p_filesz = 20;
	assert_int_equal(check(), 0);
	assert_int_equal(out.entry, PA);
}

static void test_elf_each_refusal_names_its_reason(void **state)
{
	(void)state;
	ph(0)->p_filesz = 0x4000;
	assert_int_equal(check(), -EINVAL);
	assert_non_null(strstr(err, "p_filesz 0x4000 > p_memsz 0x3000"));
	setup(NULL);
	ph(0)->p_paddr = MEM - 0x1000;
	assert_int_equal(check(), -EINVAL);
	assert_non_null(strstr(err, "beyond guest RAM"));
	setup(NULL);
	ph(0)->p_paddr = UINT64_MAX - 0xfff;
	assert_int_equal(check(), -EINVAL);
	assert_non_null(strstr(err, "overflows"));
	setup(NULL);
	ph(0)->p_paddr = MON_ACPI_PA;
	assert_int_equal(check(), -EINVAL);
	assert_non_null(strstr(err, "reserved area"));
	setup(NULL);
	((Elf64_Ehdr *)img)->e_phoff = UINT64_MAX - 8;
	assert_int_equal(check(), -EINVAL);
	assert_non_null(strstr(err, "outside the file"));
	setup(NULL);
	ph(0)->p_flags = PF_R;
	assert_int_equal(check(), -EINVAL);
	assert_non_null(strstr(err, "not inside an executable"));
	setup(NULL);
	((uint32_t *)(img + NOTE))[5] = 1;
	assert_int_equal(check(), -EINVAL);
	assert_non_null(strstr(err, "above 4 GiB"));
}

static void test_elf_truncated_file_is_refused_at_every_length(void **state)
{
	(void)state;
	for (size_t len = 0; len < CODE + 16; len++) {
		err[0] = '\0';
		assert_int_equal(mon_elf_check(img, len, MEM, &out, err,
					       sizeof(err)), -EINVAL);
		assert_true(err[0] != '\0');
	}
}

static void test_elf_load_copies_file_part_only(void **state)
{
	struct mon *m = calloc(1, sizeof(*m));

	(void)state;
	m->ram_size = MEM;
	m->ram = calloc(1, MEM);
	assert_int_equal(check(), 0);
	assert_int_equal(mon_elf_load(m, &out, img), 0);
	assert_int_equal(m->ram[PA], 0xf4);
	assert_int_equal(m->ram[PA + 15], 0xf4);
	assert_int_equal(m->ram[PA + 16], 0);
	free(m->ram);
	free(m);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_elf_valid_image_gives_entry_and_segment),
		T(test_elf_four_byte_desc_is_accepted),
		T(test_elf_each_refusal_names_its_reason),
		T(test_elf_truncated_file_is_refused_at_every_length),
		T(test_elf_load_copies_file_part_only),
	};
	return cmocka_run_group_tests_name("mon_elf", tests, NULL, NULL);
}
