/* SPDX-License-Identifier: MIT */
/* mock_insn.c: the programmable machine for host unit tests of backends. */
#include <stdlib.h>
#include <string.h>

#include "mock.h"
#include "smp.h"

struct mock_state mock;

/* The trampoline image the host build links instead of smp_trampoline.S:
 * just room for the parameter block smp.c fills. */
const uint8_t smp_trampoline_start[128] = { 0xf4 };
const uint32_t smp_trampoline_size = sizeof(smp_trampoline_start);

void mock_reset(void)
{
    memset(&mock, 0, sizeof(mock));
    mock.tsc_step = 1;
    memset(mock.port_in, 0xff, sizeof(mock.port_in));
}

void mock_set_cpuid(uint32_t leaf, uint32_t sub, uint32_t a, uint32_t b,
                    uint32_t c, uint32_t d)
{
    if (mock.ncpuid == MOCK_MAX_CPUID)
        abort();
    mock.cpuid[mock.ncpuid++] = (struct mock_cpuid_entry){
        leaf, sub, { a, b, c, d } };
}

static struct mock_msr *mock_msr_find(uint32_t msr, int create)
{
    for (unsigned i = 0; i < mock.nmsr; i++)
        if (mock.msr[i].msr == msr)
            return &mock.msr[i];
    if (!create)
        return NULL;
    if (mock.nmsr == MOCK_MAX_MSR)
        abort();
    mock.msr[mock.nmsr] = (struct mock_msr){ .msr = msr };
    return &mock.msr[mock.nmsr++];
}

void mock_set_msr(uint32_t msr, uint64_t val)
{
    mock_msr_find(msr, 1)->val = val;
}

void mock_set_msr_fault(uint32_t msr)
{
    mock_msr_find(msr, 1)->fault = 1;
}

uint64_t mock_msr_value(uint32_t msr)
{
    struct mock_msr *m = mock_msr_find(msr, 0);
    return m ? m->val : 0;
}

int64_t mock_last_write(const struct mock_write *log, unsigned n,
                        uint64_t where)
{
    for (unsigned i = n; i-- > 0;)
        if (log[i].where == where)
            return (int64_t)log[i].val;
    return -1;
}

unsigned mock_count_writes(const struct mock_write *log, unsigned n,
                           uint64_t where)
{
    unsigned c = 0;
    for (unsigned i = 0; i < n; i++)
        c += log[i].where == where;
    return c;
}

static void mock_log(struct mock_write *log, unsigned *n, uint64_t where,
                     uint64_t val, unsigned size)
{
    if (*n < MOCK_LOG)
        log[(*n)++] = (struct mock_write){ where, val, size };
}

void *mock_pa_to_ptr(uint64_t pa)
{
    /* Low memory is the mock's; anything else is a real host pointer. */
    if (pa < MOCK_LOWMEM)
        return mock.lowmem + pa;
    return (void *)(uintptr_t)pa;
}

uint32_t mock_mmio_read32(uint64_t pa)
{
    uint32_t v;
    if (mock.mmio_read_hook && mock.mmio_read_hook(pa, &v))
        return v;
    return mock.mmio[(pa & 0xfff) / 4];
}

void mock_mmio_write(uint64_t pa, uint32_t v, unsigned size)
{
    mock.mmio[(pa & 0xfff) / 4] = v;
    mock_log(mock.mmio_log, &mock.nmmio, pa, v, size);
}

uint32_t mock_inl(uint16_t port)
{
    return mock.inl_hook ? mock.inl_hook(port) : 0xffffffffu;
}

uint8_t mock_inb(uint16_t port)
{
    if (mock.inb_hook) {
        int v = mock.inb_hook(port);
        if (v >= 0)
            return (uint8_t)v;
    }
    if (port == 0x71)
        return mock.cmos[mock.cmos_index];
    return mock.port_in[port];
}

uint16_t mock_inw(uint16_t port)
{
    return (uint16_t)(mock_inb(port) | mock_inb((uint16_t)(port + 1)) << 8);
}

void mock_out(uint16_t port, uint32_t v, unsigned size)
{
    if (port == 0x70)
        mock.cmos_index = v & 0x7f;
    mock_log(mock.out_log, &mock.nout, port, v, size);
}

int mock_rdmsr(uint32_t msr, uint64_t *v)
{
    struct mock_msr *m = mock_msr_find(msr, 0);
    *v = m && !m->fault ? m->val : 0;
    return m && m->fault;
}

int mock_wrmsr(uint32_t msr, uint64_t v)
{
    struct mock_msr *m = mock_msr_find(msr, 1);
    if (m->fault)
        return 1;
    m->val = v;
    mock_log(mock.wrmsr_log, &mock.nwrmsr, msr, v, 8);
    if (mock.wrmsr_hook)
        mock.wrmsr_hook(msr, v);
    return 0;
}

void mock_cpuid(uint32_t leaf, uint32_t sub, struct vmi_cpuid *r)
{
    *r = (struct vmi_cpuid){ 0, 0, 0, 0 };
    for (unsigned i = 0; i < mock.ncpuid; i++)
        if (mock.cpuid[i].leaf == leaf && mock.cpuid[i].sub == sub)
            *r = mock.cpuid[i].r;
}

void mock_invlpg(uint64_t va)
{
    if (mock.ninvlpg < MOCK_LOG)
        mock.invlpg_log[mock.ninvlpg++] = va;
}

const char *mock_port_text(uint16_t port, char *buf, size_t len)
{
    size_t n = 0;
    for (unsigned i = 0; i < mock.nout && n + 1 < len; i++)
        if (mock.out_log[i].where == port)
            buf[n++] = (char)mock.out_log[i].val;
    buf[n] = 0;
    return buf;
}

void mock_triple_fault(void)
{
    mock.ntriple++;
    if (mock.stop)
        longjmp(*mock.stop, MOCK_TRIPLE);
    abort();
}

void mock_hlt(void)
{
    mock.nhlt++;
    if (mock.stop && !(mock.rflags & 0x200ull))
        longjmp(*mock.stop, MOCK_HALTED);
}
