/**
 * The approval policies the benchmark creates, the same for the provider under
 * test and for the hand-written baseline: every field spelled out, so both send
 * byte-for-byte the same POST body (the provider's zod defaults add nothing).
 */
export interface BenchPolicyArgs {
  name: string;
  description: string;
  policyData: {
    approvables: {
      approvableName: "Update firmware";
      approvers: { email: string }[];
      minApprovers: number;
    }[];
    resources: { resourceId: string; resourceType: "compute-ops-mgmt/group" }[];
  };
}

/** Policy number `i`; `run` keeps names unique across benchmark runs against one emulator. */
export function benchPolicyArgs(i: number, run = "bench"): BenchPolicyArgs {
  const group = `6f1c2b3a-0d4e-4f5a-8b6c-${i.toString(16).padStart(12, "0")}`;
  return {
    name: `${run}-policy-${i}`,
    description: `benchmark approval policy ${i}`,
    policyData: {
      approvables: [
        {
          approvableName: "Update firmware",
          approvers: [{ email: "firmware-approvers@example.com" }],
          minApprovers: 1,
        },
      ],
      resources: [{ resourceId: group, resourceType: "compute-ops-mgmt/group" }],
    },
  };
}
