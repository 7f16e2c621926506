/* SPDX-License-Identifier: MIT */
/*
 * vmi/ops.h: THE list of vmi operations, the contract between a guest
 * kernel and the backend it is linked with.  Every op exists here once; the
 * struct vmi_ops table, the vmi_<op>() wrappers and the completeness tests
 * are all generated from this list.
 *
 * No include guard: the includer defines
 *   VMI_OP(name, ret, params, args)   an op returning ret
 *   VMI_VOP(name, params, args)       an op returning void
 *   VMI_NOP(name, params, args)       an op that never returns
 * and includes this file.  docs/vmi-api.md gives each op's contract in full
 * and what each of the four backends does for it; the one-line contracts
 * below are the short form.  "Cannot fail" means the backend calls
 * vmi_panic() if the hypervisor reports an error, it never returns one.
 * Unless said otherwise an op is called at CPL0 with any interrupt state.
 */

/* ---- Identity and initialisation ------------------------------------ */

/* Bring the backend up on the boot CPU: find the hypervisor, set up its
 * interface, the console and the time source.  (boot): what the loader
 * told the kernel.  Called once, first, with interrupts disabled.
 * Returns VMI_OK.  A paravirtual backend that does not find its hypervisor
 * does not return: it prints one line naming what it expected and what it
 * found and exits with VMI_EXIT_WRONG_HV (see vmi/abi.h). */
VMI_OP(init, vmi_status_t, (const struct vmi_boot *boot), (boot))
/* Per-CPU setup, called on each CPU (the boot CPU after init, a secondary
 * CPU first thing in its entry function), interrupts disabled.  (cpu): the
 * logical CPU index.  Returns VMI_OK, or VMI_EINVAL if cpu is out of range. */
VMI_OP(cpu_init, vmi_status_t, (unsigned cpu), (cpu))
/* What the backend found: backend and hypervisor names, version, feature
 * bits (VMI_FEAT_*), and the mechanism used for each op group.  Valid after
 * init; never NULL. */
VMI_OP(info, const struct vmi_info *, (void), ())

/* ---- CPU state ------------------------------------------------------- */

VMI_OP(read_cr0, uint64_t, (void), ())
/* (val): the new CR0.  Cannot fail; an invalid value faults (#GP). */
VMI_VOP(write_cr0, (uint64_t val), (val))
/* The faulting linear address of the last #PF on this CPU. */
VMI_OP(read_cr2, uint64_t, (void), ())
/* The current address space: physical address of the PML4 plus flags. */
VMI_OP(read_cr3, uint64_t, (void), ())
/* Switch address space to the PML4 at (val).  Flushes every non-global
 * TLB entry of this CPU.  Cannot fail. */
VMI_VOP(write_cr3, (uint64_t val), (val))
VMI_OP(read_cr4, uint64_t, (void), ())
/* (val): the new CR4.  Cannot fail; an invalid value faults (#GP). */
VMI_VOP(write_cr4, (uint64_t val), (val))
/* (msr): index.  Returns its value.  A faulting access is a kernel bug:
 * the fault reaches the kernel's #GP handler. */
VMI_OP(read_msr, uint64_t, (uint32_t msr), (msr))
/* (msr, val).  As read_msr: a faulting access is a kernel bug. */
VMI_VOP(write_msr, (uint32_t msr, uint64_t val), (msr, val))
/* (msr, *val).  Returns VMI_OK, or VMI_EFAULT if the access faulted, in
 * which case *val is 0.  The fault is recovered through the exception
 * fixup table (vmi/fixup.h): the kernel's #GP and #UD handlers must call
 * vmi_fixup_lookup() and resume at the address it returns. */
VMI_OP(read_msr_safe, vmi_status_t, (uint32_t msr, uint64_t *val), (msr, val))
/* (msr, val).  Returns VMI_OK, or VMI_EFAULT if the access faulted. */
VMI_OP(write_msr_safe, vmi_status_t, (uint32_t msr, uint64_t val), (msr, val))
/* (leaf, subleaf, *out): CPUID as the guest sees it.  Cannot fail. */
VMI_VOP(cpuid, (uint32_t leaf, uint32_t subleaf, struct vmi_cpuid *out),
        (leaf, subleaf, out))
/* Load the GDT or IDT described by (dt).  The table must stay mapped and
 * unchanged while loaded, except through the ops below. */
VMI_VOP(load_gdt, (const struct vmi_dtr *dt), (dt))
VMI_VOP(load_idt, (const struct vmi_dtr *dt), (dt))
/* Load the task register with selector (sel) of a 64-bit TSS in the GDT. */
VMI_VOP(load_tr, (uint16_t sel), (sel))
/* Write the 8-byte descriptor (desc) into slot (index) of the loaded or
 * to-be-loaded table (table). */
VMI_VOP(write_gdt_entry, (uint64_t *table, unsigned index, uint64_t desc),
        (table, index, desc))
/* Write the 16-byte gate (gate) into slot (vector) of (idt). */
VMI_VOP(write_idt_entry, (struct vmi_gate *idt, unsigned vector,
                          const struct vmi_gate *gate), (idt, vector, gate))
/* The stack the CPU switches to on a CPL3->CPL0 transition: (tss) is this
 * CPU's TSS, (rsp0) the new top of the kernel stack. */
VMI_VOP(load_kernel_stack, (struct vmi_tss *tss, uint64_t rsp0), (tss, rsp0))

/* ---- Interrupts and events ------------------------------------------- */

/* Mask interrupt and event delivery on this CPU. */
VMI_VOP(irq_disable, (void), ())
/* Unmask it; pending events are delivered at once. */
VMI_VOP(irq_enable, (void), ())
/* Mask delivery and return the previous state for irq_restore. */
VMI_OP(irq_save, vmi_irqflags_t, (void), ())
/* Restore the state (flags) returned by irq_save. */
VMI_VOP(irq_restore, (vmi_irqflags_t flags), (flags))
/* Enable delivery and wait for an event or interrupt, atomically: an
 * event that arrives between the two is not lost.  Returns with delivery
 * enabled, after the handler has run. */
VMI_VOP(safe_halt, (void), ())
/* Stop this CPU until an interrupt or event, without changing the mask.
 * With delivery masked only spin_kick is sure to wake it (Xen parks the
 * vCPU on a poll); to stop for good, call shutdown or crash instead. */
VMI_VOP(halt, (void), ())
/* Signal end of interrupt for a vector that the kernel owns (one outside
 * VMI_VECTOR_FIRST..VMI_VECTOR_LAST).  The backend acknowledges its own
 * vectors in event_dispatch. */
VMI_VOP(irq_eoi, (void), ())
/* The kernel's interrupt entry calls this for every vector in
 * VMI_VECTOR_FIRST..VMI_VECTOR_LAST, with delivery masked.  The backend
 * decodes the vector (LAPIC timer or IPI, Xen upcall and event-channel
 * scan, Hyper-V stimer), acknowledges it, handles its own work (remote TLB
 * flush requests) and calls vmi_event() once per kernel event. */
VMI_VOP(event_dispatch, (unsigned vector), (vector))

/* ---- Time -------------------------------------------------------------- */

/* Monotonic nanoseconds since an arbitrary point before init returned.
 * Never goes backwards on one CPU, nor between CPUs (any two readings
 * ordered by a memory barrier are ordered).  Cannot fail. */
VMI_OP(time_ns, uint64_t, (void), ())
/* Wall-clock time, nanoseconds since 1970-01-01T00:00:00Z.  Returns 0 if the
 * environment offers no wall clock. */
VMI_OP(wallclock_ns, uint64_t, (void), ())
/* The cycle counter (TSC) of this CPU, ordered against earlier loads. */
VMI_OP(cycles, uint64_t, (void), ())
/* Frequency of the cycle counter in Hz; 0 if unknown. */
VMI_OP(cycles_hz, uint64_t, (void), ())
/* Nanoseconds this CPU was runnable but not run by the hypervisor; 0 on
 * bare metal and where the hypervisor does not say. */
VMI_OP(stolen_ns, uint64_t, (void), ())
/* Arm this CPU's one-shot alarm for monotonic time (deadline_ns).  It
 * raises VMI_EVENT_ALARM on this CPU no earlier than the deadline; a
 * deadline in the past fires at once.  Replaces any armed alarm. */
VMI_VOP(alarm_set, (uint64_t deadline_ns), (deadline_ns))
/* Disarm this CPU's alarm.  An alarm already delivered is not recalled. */
VMI_VOP(alarm_cancel, (void), ())

/* ---- MMU ----------------------------------------------------------------- */

/* Write the page-table entry at (slot) in a table of (level) (1 = PT, 2 =
 * PD, 3 = PDPT, 4 = PML4) with (val).  Visible to this CPU's page walks at
 * once for a not-present -> present change; a change of a present entry
 * needs a flush.  Inside mmu_lazy_begin/end the write may be deferred to
 * mmu_lazy_end, so the kernel must not read it back through the MMU. */
VMI_VOP(pt_set, (vmi_pte_t *slot, vmi_pte_t val, unsigned level),
        (slot, val, level))
/* The page at physical address (pa) becomes (pt_alloc) or stops being
 * (pt_release) a page table of (level).  Hooks for hypervisors that track
 * page-table pages; the page must be zeroed before pt_alloc. */
VMI_VOP(pt_alloc, (vmi_paddr_t pa, unsigned level), (pa, level))
VMI_VOP(pt_release, (vmi_paddr_t pa, unsigned level), (pa, level))
/* TLB flushes.  A flush of pages (tlb_flush_page, tlb_flush_multi with
 * npages != VMI_FLUSH_ALL) flushes their entries, global or not, however
 * a backend carries it out (it may flush more, e.g. everything, never
 * less); only tlb_flush_local and VMI_FLUSH_ALL are limited to the
 * non-global entries. */
/* Flush this CPU's non-global TLB entries. */
VMI_VOP(tlb_flush_local, (void), ())
/* Flush this CPU's TLB entry for the page holding (va), global or not. */
VMI_VOP(tlb_flush_page, (vmi_vaddr_t va), (va))
/* Flush (npages) pages from (va) on every CPU in (cpus), the caller's own
 * included if set; npages == VMI_FLUSH_ALL flushes every non-global entry.
 * Returns when every target has flushed.  Call with delivery enabled: a
 * target may need an interrupt. */
VMI_VOP(tlb_flush_multi, (vmi_cpumask_t cpus, vmi_vaddr_t va,
                          uint64_t npages), (cpus, va, npages))
/* Enter deferred mode on this CPU: pt_set, tlb_flush_page and
 * tlb_flush_multi may be queued until mmu_lazy_end, so that N updates can
 * cost one hypercall.  Does not nest; the section stays on this CPU, and
 * an interrupt handler inside it sees the deferred state. */
VMI_VOP(mmu_lazy_begin, (void), ())
/* Apply every queued update and flush, then leave deferred mode.  Call
 * with delivery enabled if remote flushes may be queued. */
VMI_VOP(mmu_lazy_end, (void), ())

/* ---- SMP ------------------------------------------------------------------ */

/* Number of CPUs the environment offers (>= 1, <= VMI_MAX_CPUS). */
VMI_OP(cpu_count, unsigned, (void), ())
/* Logical index of the calling CPU, 0 <= id < cpu_count; 0 is the boot CPU. */
VMI_OP(cpu_id, unsigned, (void), ())
/* Start secondary CPU (cpu) in 64-bit mode with (boot): page tables, stack
 * and entry function; it enters boot->entry(cpu, boot->arg) with delivery
 * masked, on a backend GDT, and must call cpu_init first.  The page tables
 * must identity-map the kernel image and the first MiB, and boot->cr3 must
 * be below 4 GiB (the AP passes through 32-bit mode).  Not reentrant: one
 * cpu_start at a time.  Returns VMI_OK
 * once the CPU runs, VMI_EINVAL if cpu is 0 or out of range, VMI_EAGAIN
 * if it did not come up in time. */
VMI_OP(cpu_start, vmi_status_t, (unsigned cpu, const struct vmi_cpu_boot *boot),
       (cpu, boot))
/* Raise VMI_EVENT_IPI on every CPU in (cpus); the caller's bit is allowed.
 * Events coalesce: N sends before the target runs may raise it once. */
VMI_VOP(ipi_send, (vmi_cpumask_t cpus), (cpus))
/* Spin-lock slow path: wait while *(ptr) == (val).  May return early or
 * spuriously; the caller re-checks.  Call with delivery masked. */
VMI_VOP(spin_wait, (const volatile uint8_t *ptr, uint8_t val), (ptr, val))
/* Wake (cpu) from spin_wait. */
VMI_VOP(spin_kick, (unsigned cpu), (cpu))

/* ---- Console ---------------------------------------------------------------- */

/* Write (len) bytes of (buf), byte-exact, in order, before returning. */
VMI_VOP(console_write, (const char *buf, size_t len), (buf, len))
/* Read up to (len) bytes into (buf) without blocking.  Returns the count. */
VMI_OP(console_read, size_t, (char *buf, size_t len), (buf, len))

/* ---- Power ------------------------------------------------------------------- */

/* Stop the machine and report (code) (0-255, see vmi/abi.h) to whoever
 * started it. */
VMI_NOP(shutdown, (unsigned code), (code))
/* Reset the machine. */
VMI_NOP(reboot, (void), ())
/* Report a crash with (msg) to the environment, then stop. */
VMI_NOP(crash, (const char *msg), (msg))
