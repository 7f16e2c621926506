/* SPDX-License-Identifier: MIT */
/*
 * hyperv/tlfs.h: the Hyper-V guest interface (Microsoft Hypervisor
 * Top-Level Functional Specification, TLFS) as far as vmi uses it, plus
 * the project's own wire conventions for it.  Dual-use, as Solo5's
 * hvt_abi.h: included by backends/hyperv (guest, freestanding) and by
 * vmi-run's hyperv personality (host).  Only <stdint.h>; numbers, bit
 * fields and fixed-layout structs, nothing that differs between sides.
 *
 * Sources: [T: page] = TLFS pages under learn.microsoft.com/virtualization/
 * hyper-v-on-windows/tlfs/ (feature-discovery, hypercall-interface,
 * timers, inter-partition-communication, partition-properties,
 * hypercalls/<call>); every number was cross-checked against Linux
 * include/hyperv/hvgdk_mini.h (and the older asm-generic/hyperv-tlfs.h),
 * which transcribe the TLFS as C.
 */
#ifndef VMI_HYPERV_TLFS_H
#define VMI_HYPERV_TLFS_H

#include <stdint.h>

/* ---- CPUID [T: feature-discovery] --------------------------------------- */

#define HV_CPUID_VENDOR        0x40000000u /* eax max leaf, "Microsoft Hv" */
#define HV_CPUID_INTERFACE     0x40000001u /* eax "Hv#1" */
#define HV_CPUID_VERSION       0x40000002u /* build, major.minor, SP */
#define HV_CPUID_FEATURES      0x40000003u /* privileges, features */
#define HV_CPUID_ENLIGHTENMENT 0x40000004u /* recommendations */
#define HV_CPUID_LIMITS        0x40000005u /* implementation limits */
#define HV_CPUID_HW_FEATURES   0x40000006u /* hardware features in use */
#define HV_CPUID_CPU_MGMT      0x40000007u
#define HV_CPUID_SVM           0x40000008u
#define HV_CPUID_NESTED_HV     0x40000009u
#define HV_CPUID_NESTED_OPT    0x4000000Au
#define HV_CPUID_MIN_MAX       0x40000005u /* a guest needs at least this */

/* "Microsoft Hv" in ebx, ecx, edx; "Hv#1" in 0x40000001.eax. */
#define HV_SIG_EBX 0x7263694du /* "Micr" */
#define HV_SIG_ECX 0x666f736fu /* "osof" */
#define HV_SIG_EDX 0x76482074u /* "t Hv" */
#define HV_INTERFACE_HV1 0x31237648u

/* 0x40000003.eax: partition privilege mask, low half. */
#define HV_PRIV_VP_RUNTIME     (1u << 0)
#define HV_PRIV_TIME_REF_COUNT (1u << 1)  /* HV_X64_MSR_TIME_REF_COUNT */
#define HV_PRIV_SYNIC          (1u << 2)  /* SCONTROL .. SINT15, EOM */
#define HV_PRIV_SYNTIMER       (1u << 3)  /* STIMERn_CONFIG/COUNT */
#define HV_PRIV_APIC_ACCESS    (1u << 4)  /* EOI/ICR/TPR MSRs */
#define HV_PRIV_HYPERCALL      (1u << 5)  /* GUEST_OS_ID, HYPERCALL */
#define HV_PRIV_VP_INDEX       (1u << 6)
#define HV_PRIV_RESET          (1u << 7)  /* HV_X64_MSR_RESET */
#define HV_PRIV_REFERENCE_TSC  (1u << 9)  /* HV_X64_MSR_REFERENCE_TSC */
#define HV_PRIV_GUEST_IDLE     (1u << 10)
#define HV_PRIV_FREQUENCY_MSRS (1u << 11) /* TSC/APIC_FREQUENCY */
/* 0x40000003.ebx: partition privilege mask, high half. */
#define HV_PRIV_POST_MESSAGES  (1u << 4)  /* HvCallPostMessage */
#define HV_PRIV_SIGNAL_EVENTS  (1u << 5)  /* HvCallSignalEvent */
/* 0x40000003.edx: miscellaneous features. */
#define HV_FEAT_FREQUENCY_MSRS    (1u << 8)  /* TSC/APIC_FREQUENCY exist */
#define HV_FEAT_GUEST_CRASH_MSRS  (1u << 10) /* CRASH_P0-P4, CRASH_CTL */
#define HV_FEAT_STIMER_DIRECT     (1u << 19) /* stimer direct mode */

/* 0x40000004.eax: implementation recommendations. */
#define HV_REC_REMOTE_TLB_FLUSH  (1u << 2)  /* flush by hypercall */
#define HV_REC_APIC_MSRS         (1u << 3)  /* EOI/ICR/TPR by MSR */
#define HV_REC_SYSTEM_RESET      (1u << 4)  /* reset by HV_X64_MSR_RESET */
#define HV_REC_RELAXED_TIMING    (1u << 5)
#define HV_REC_DEPRECATING_AEOI  (1u << 9)  /* do not use auto-EOI */
#define HV_REC_CLUSTER_IPI       (1u << 10) /* HvCallSendSyntheticClusterIpi */
#define HV_REC_EX_PROCESSOR_MASKS (1u << 11)
/* 0x40000004.ebx: spin-wait retries before HvCallNotifyLongSpinWait. */
#define HV_SPIN_RETRY_NEVER 0xffffffffu

/* ---- Synthetic MSRs [T: hypercall-interface, timers, ...] --------------- */

#define HV_X64_MSR_GUEST_OS_ID     0x40000000u
#define HV_X64_MSR_HYPERCALL       0x40000001u
#define HV_X64_MSR_VP_INDEX        0x40000002u
#define HV_X64_MSR_RESET           0x40000003u
#define HV_X64_MSR_TIME_REF_COUNT  0x40000020u
#define HV_X64_MSR_REFERENCE_TSC   0x40000021u
#define HV_X64_MSR_TSC_FREQUENCY   0x40000022u
#define HV_X64_MSR_APIC_FREQUENCY  0x40000023u
#define HV_X64_MSR_EOI             0x40000070u
#define HV_X64_MSR_ICR             0x40000071u
#define HV_X64_MSR_TPR             0x40000072u
#define HV_X64_MSR_SCONTROL        0x40000080u
#define HV_X64_MSR_SVERSION        0x40000081u
#define HV_X64_MSR_SIEFP           0x40000082u
#define HV_X64_MSR_SIMP            0x40000083u
#define HV_X64_MSR_EOM             0x40000084u
#define HV_X64_MSR_SINT0           0x40000090u /* .. SINT15 0x4000009F */
#define HV_X64_MSR_STIMER0_CONFIG  0x400000B0u /* STIMERn: + 2n */
#define HV_X64_MSR_STIMER0_COUNT   0x400000B1u
#define HV_X64_MSR_CRASH_P0        0x40000100u /* .. P4 0x40000104 */
#define HV_X64_MSR_CRASH_CTL       0x40000105u

/* HV_X64_MSR_HYPERCALL and REFERENCE_TSC, SIMP, SIEFP: bit 0 enable,
 * bits 11:1 preserved, bits 63:12 the guest page frame. */
#define HV_MSR_ENABLE    (1ull << 0)
#define HV_MSR_PAGE_MASK (~0xfffull)
#define HV_PAGE_SIZE     4096u

/* HV_X64_MSR_RESET: write 1 to reset the partition. */
#define HV_RESET_REQUEST 1ull

/* SynIC [T: inter-partition-communication]. */
#define HV_SYNIC_VERSION_1    1ull      /* SVERSION reads this */
#define HV_SYNIC_SINT_COUNT   16u
#define HV_SYNIC_SINT_VECTOR_MASK 0xffull
#define HV_SYNIC_SINT_MASKED   (1ull << 16)
#define HV_SYNIC_SINT_AUTO_EOI (1ull << 17)
#define HV_SYNIC_FIRST_VALID_VECTOR 16u
#define HV_SYNIC_SCONTROL_ENABLE 1ull

/* Synthetic timer configuration [T: timers] (hv_stimer_config). */
#define HV_STIMER_ENABLE      (1ull << 0)
#define HV_STIMER_PERIODIC    (1ull << 1)
#define HV_STIMER_LAZY        (1ull << 2)
#define HV_STIMER_AUTO_ENABLE (1ull << 3)
#define HV_STIMER_VECTOR_SHIFT 4        /* apic_vector, bits 11:4 */
#define HV_STIMER_VECTOR_MASK (0xffull << 4)
#define HV_STIMER_DIRECT      (1ull << 12)
#define HV_STIMER_SINTX_SHIFT 16        /* sintx, bits 19:16 */
#define HV_STIMER_SINTX_MASK  (0xfull << 16)
/* Bits 15:13 and 63:20 are reserved, must be zero. */
#define HV_STIMER_RESERVED    (~0xf1fffull)

/* Crash enlightenment [T: partition-properties "Partition Crash
 * Enlightenment"]. */
#define HV_CRASH_CTL_NOTIFY     (1ull << 63)
#define HV_CRASH_CTL_NOTIFY_MSG (1ull << 62)
#define HV_CRASH_NPARAMS 5u

/* ---- Hypercalls [T: hypercall-interface] -------------------------------- */

/* Input value (RCX): call code 15:0, fast 16, variable header size (in
 * 8-byte units) 26:17, reserved 30:27, nested 31, rep count 43:32,
 * reserved 47:44, rep start index 59:48, reserved 63:60. */
#define HV_HC_CODE_MASK       0xffffull
#define HV_HC_FAST            (1ull << 16)
#define HV_HC_VARHEAD_SHIFT   17
#define HV_HC_VARHEAD_MASK    (0x3ffull << 17)
#define HV_HC_NESTED          (1ull << 31)
#define HV_HC_REP_COUNT_SHIFT 32
#define HV_HC_REP_START_SHIFT 48
#define HV_HC_REP_MASK        0xfffull  /* both 12-bit rep fields */
#define HV_HC_RSVD_MASK       ((0xfull << 27) | (0xfull << 44) | \
                               (0xfull << 60))
#define HV_HC_REP_MAX         0xfffu

/* Result value (RAX): status 15:0, reserved 31:16, reps completed 43:32,
 * reserved 63:44.  Reps completed counts from 0, not from the start. */
#define HV_RESULT_STATUS_MASK 0xffffull
#define HV_RESULT_REPS_SHIFT  32

/* Input and output blocks: 8-byte aligned, within one page. */
#define HV_HC_ALIGN 8u

/* Call codes [T: hypercalls/hvcall<name>]. */
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE    0x0002u
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST     0x0003u /* rep */
#define HVCALL_NOTIFY_LONG_SPIN_WAIT          0x0008u /* fast */
#define HVCALL_SEND_IPI                       0x000bu /* SyntheticClusterIpi */
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX 0x0013u
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX  0x0014u
#define HVCALL_SEND_IPI_EX                    0x0015u
#define HVCALL_POST_MESSAGE                   0x005cu
#define HVCALL_SIGNAL_EVENT                   0x005du

/* Status codes (HV_STATUS). */
#define HV_STATUS_SUCCESS                 0x0000u
#define HV_STATUS_INVALID_HYPERCALL_CODE  0x0002u
#define HV_STATUS_INVALID_HYPERCALL_INPUT 0x0003u
#define HV_STATUS_INVALID_ALIGNMENT       0x0004u
#define HV_STATUS_INVALID_PARAMETER       0x0005u
#define HV_STATUS_ACCESS_DENIED           0x0006u
#define HV_STATUS_INVALID_PARTITION_STATE 0x0007u
#define HV_STATUS_OPERATION_DENIED        0x0008u
#define HV_STATUS_UNKNOWN_PROPERTY        0x0009u
#define HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE 0x000au
#define HV_STATUS_INSUFFICIENT_MEMORY     0x000bu
#define HV_STATUS_INVALID_PARTITION_ID    0x000du
#define HV_STATUS_INVALID_VP_INDEX        0x000eu
#define HV_STATUS_NOT_FOUND               0x0010u
#define HV_STATUS_INVALID_PORT_ID         0x0011u
#define HV_STATUS_INVALID_CONNECTION_ID   0x0012u
#define HV_STATUS_INSUFFICIENT_BUFFERS    0x0013u
#define HV_STATUS_NOT_ACKNOWLEDGED        0x0014u
#define HV_STATUS_INVALID_VP_STATE        0x0015u
#define HV_STATUS_INVALID_SYNIC_STATE     0x0018u
#define HV_STATUS_NO_RESOURCES            0x001du
#define HV_STATUS_PROCESSOR_FEATURE_NOT_SUPPORTED 0x0020u
#define HV_STATUS_INVALID_LP_INDEX        0x0041u
#define HV_STATUS_INVALID_REGISTER_VALUE  0x0050u
#define HV_STATUS_OPERATION_FAILED        0x0071u
#define HV_STATUS_TIME_OUT                0x0078u
#define HV_STATUS_CALL_PENDING            0x0079u

/* Flush flags [T: hypercalls/hvcallflushvirtualaddressspace]. */
#define HV_FLUSH_ALL_PROCESSORS             (1ull << 0)
#define HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES (1ull << 1)
#define HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY   (1ull << 2)
#define HV_FLUSH_USE_EXTENDED_RANGE_FORMAT  (1ull << 3)
#define HV_FLUSH_FLAGS_VALID                0xfull
/* A GVA list entry: page address | additional pages (bits 11:0). */
#define HV_GVA_PAGE_MASK   (~0xfffull)
#define HV_GVA_EXTRA_MASK  0xfffull
#define HV_GVA_EXTRA_MAX   4095u

/* HvCallSendSyntheticClusterIpi: valid vectors
 * [T: hypercalls/hvcallsendsyntheticclusteripi]. */
#define HV_IPI_LOW_VECTOR  0x10u
#define HV_IPI_HIGH_VECTOR 0xffu

/* HvCallSignalEvent fast input (RDX): connection id 31:0, flag number
 * 47:32, reserved 63:48 [T: hypercalls/hvcallsignalevent]. */
#define HV_SIGNAL_FLAG_SHIFT 32
#define HV_SIGNAL_FLAG_MASK  0xffffull
#define HV_SIGNAL_RSVD_MASK  (0xffffull << 48)
#define HV_EVENT_FLAGS_COUNT 2048u      /* flags per SINT: 256 bytes */

/* Messages [T: inter-partition-communication]. */
#define HV_MESSAGE_SIZE 256u
#define HV_MESSAGE_PAYLOAD_BYTES 240u
#define HVMSG_NONE          0x00000000u
#define HVMSG_TIMER_EXPIRED 0x80000010u
/* Message types with bit 31 set belong to the hypervisor: a guest may
 * not post them. */
#define HVMSG_HYPERVISOR_BIT 0x80000000u
#define HV_MSG_FLAG_PENDING 0x01u
#define HV_CONNECTION_ID_MASK 0x00ffffffu

struct hv_tlb_flush {               /* HvCallFlushVirtualAddress{Space,List} */
    uint64_t address_space;
    uint64_t flags;
    uint64_t processor_mask;
    /* then, for the List call, uint64_t gva_list[rep count] */
};

struct hv_send_ipi {                /* HvCallSendSyntheticClusterIpi */
    uint32_t vector;
    uint32_t reserved;              /* must be zero */
    uint64_t cpu_mask;
};

struct hv_input_signal_event {      /* HvCallSignalEvent, slow form */
    uint32_t connection_id;
    uint16_t flag_number;
    uint16_t reserved;
};

struct hv_input_post_message {      /* HvCallPostMessage */
    uint32_t connection_id;
    uint32_t reserved;
    uint32_t message_type;
    uint32_t payload_size;
    uint64_t payload[30];
};

struct hv_message {                 /* one SIMP slot */
    uint32_t message_type;
    uint8_t payload_size;
    uint8_t message_flags;          /* HV_MSG_FLAG_PENDING */
    uint8_t reserved[2];
    uint64_t sender;                /* port id, or 0 */
    uint64_t payload[30];
};

struct hv_timer_message_payload {   /* HVMSG_TIMER_EXPIRED */
    uint32_t timer_index;
    uint32_t reserved;
    uint64_t expiration_time;       /* 100 ns reference time */
    uint64_t delivery_time;
};

/* The reference TSC page [T: timers "Reference TSC Page"]: reference
 * time (100 ns) = ((tsc * tsc_scale) >> 64) + tsc_offset, the upper 64
 * bits of the 128-bit product.  tsc_sequence 0 means "invalid: use
 * HV_X64_MSR_TIME_REF_COUNT"; a reader retries while it changes. */
struct hv_ref_tsc_page {
    volatile uint32_t tsc_sequence;
    uint32_t reserved1;
    volatile uint64_t tsc_scale;
    volatile int64_t tsc_offset;
};
#define HV_REF_TSC_INVALID 0u
#define HV_REF_HZ 10000000ull           /* 100 ns units */

_Static_assert(sizeof(struct hv_tlb_flush) == 24, "hv_tlb_flush");
_Static_assert(sizeof(struct hv_send_ipi) == 16, "hv_send_ipi");
_Static_assert(sizeof(struct hv_input_signal_event) == 8, "signal_event");
_Static_assert(sizeof(struct hv_input_post_message) == 256, "post_message");
_Static_assert(sizeof(struct hv_message) == HV_MESSAGE_SIZE, "hv_message");
_Static_assert(__builtin_offsetof(struct hv_message, payload) == 16,
               "message payload offset");
_Static_assert(sizeof(struct hv_timer_message_payload) == 24, "timer msg");
_Static_assert(__builtin_offsetof(struct hv_ref_tsc_page, tsc_scale) == 8 &&
               __builtin_offsetof(struct hv_ref_tsc_page, tsc_offset) == 16,
               "reference TSC page layout");

/* ---- vmi's conventions (not TLFS) --------------------------------------- */

/* The stub vmi-run writes into the hypercall page: `out %al, $port; ret`
 * (Intel SDM "OUT" E6 ib, "RET" C3), keeping the TLFS x64 registers:
 * RCX input value, RDX input GPA or fast arg 1, R8 output GPA or fast
 * arg 2, result in RAX.  The port is VMI_PORT_HV_HYPERCALL (vmi/abi.h). */
#define VMI_HV_STUB_LEN 3u

/* Connection ids of vmi-run's loopback SynIC ports: a message posted, or
 * an event signalled, to VMI_HV_CONNECTION(vp, sint) arrives in SINT
 * (sint) of VP (vp) of the same partition.  Bit 20 marks them, so that 0
 * is never valid. */
#define VMI_HV_CONNECTION_BASE 0x100000u
#define VMI_HV_CONNECTION(vp, sint) \
    (VMI_HV_CONNECTION_BASE | ((uint32_t)(vp) << 4) | (uint32_t)(sint))

/* The guest OS id the backend writes (contract-decisions.md D9): bit 63
 * open source, OS type 0, version (47:16) = VMI_ABI_VERSION. */
#define VMI_HV_GUEST_OS_ID(abi_version) \
    ((1ull << 63) | ((uint64_t)(abi_version) << 16))

/* HV_X64_MSR_CRASH_P0 carries the exit code when CRASH_CTL is written
 * with CRASH_NOTIFY (contract-decisions.md D2): vmi-run exits with P0 if
 * it is a guest code (0-63, 77, 99: vmi/abi.h), else with VMI_EXIT_CRASH
 * (docs/vmi-run.md "Exit status"). */

#endif
