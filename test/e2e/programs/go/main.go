// A Go program using the Go SDK generated from schema.json, run by the Automation
// API's inline mode (which needs no Go language host): up, a refresh preview that
// must find nothing to change, an optional in-place update, and destroy, against
// the settings in its environment. test/e2e/go.test.ts builds and runs it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pulumi-ops-management/sdk/go/opsmanagement/computeops"
)

func program(description string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		policy, err := computeops.NewApprovalPolicy(ctx, "goPolicy", &computeops.ApprovalPolicyArgs{
			Name:        pulumi.String("go-firmware-approvals"),
			Description: pulumi.String(description),
			PolicyData: &computeops.ApprovalPolicyPolicyDataArgs{
				Approvables: computeops.ApprovalPolicyPolicyDataApprovablesArray{
					&computeops.ApprovalPolicyPolicyDataApprovablesArgs{
						ApprovableName: computeops.ApprovalPolicyPolicyDataApprovablesApprovableNameUpdateFirmware,
						Approvers: computeops.ApprovalPolicyPolicyDataApprovablesApproversArray{
							&computeops.ApprovalPolicyPolicyDataApprovablesApproversArgs{
								Email: pulumi.String("go@example.com"),
							},
						},
					},
				},
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("policyId", policy.ID())
		ctx.Export("state", policy.State)
		return nil
	}
}

type result struct {
	PolicyID        string `json:"policyId"`
	State           string `json:"state"`
	RefreshChanges  int    `json:"refreshChanges"`
	UpdatedPolicyID string `json:"updatedPolicyId"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	project := auto.Project(workspace.Project{
		Name:    "ops-management-go",
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Plugins: &workspace.Plugins{
			Providers: []workspace.PluginOptions{{Name: "ops-management", Path: os.Getenv("OPS_PLUGIN_DIR")}},
		},
	})
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", "ops-management-go", program("declared in Go"), project)
	if err != nil {
		return err
	}
	for _, name := range []string{"computeOpsEndpoint", "computeOpsTokenUrl", "computeOpsClientId"} {
		if err := stack.SetConfig(ctx, "ops-management:"+name, auto.ConfigValue{Value: os.Getenv("OPS_" + name)}); err != nil {
			return err
		}
	}
	if err := stack.SetConfig(ctx, "ops-management:computeOpsClientSecret",
		auto.ConfigValue{Value: os.Getenv("OPS_computeOpsClientSecret"), Secret: true}); err != nil {
		return err
	}
	var out result
	up, err := stack.Up(ctx, optup.ErrorProgressStreams(os.Stderr))
	if err != nil {
		return err
	}
	out.PolicyID, _ = up.Outputs["policyId"].Value.(string)
	out.State, _ = up.Outputs["state"].Value.(string)

	preview, err := stack.Preview(ctx, optpreview.Refresh(), optpreview.ErrorProgressStreams(os.Stderr))
	if err != nil {
		return err
	}
	for op, count := range preview.ChangeSummary {
		if op != "same" {
			out.RefreshChanges += count
		}
	}

	stack.Workspace().SetProgram(program("updated from Go"))
	updated, err := stack.Up(ctx, optup.ErrorProgressStreams(os.Stderr))
	if err != nil {
		return err
	}
	out.UpdatedPolicyID, _ = updated.Outputs["policyId"].Value.(string)

	if os.Getenv("OPS_KEEP") == "" {
		if _, err := stack.Destroy(ctx, optdestroy.ErrorProgressStreams(os.Stderr)); err != nil {
			return err
		}
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}
