import * as pulumi from "@pulumi/pulumi";
import { computeOps } from "pulumi-ops-management";

const config = new pulumi.Config("e2e");
const group = computeOps.getGroupOutput({ name: config.require("groupName") });
const server = computeOps.getServerOutput({ name: config.require("serverName") });
const template = computeOps.getJobTemplateOutput({ name: "Group Firmware Compliance" });

const compliance = new computeOps.Job("compliance", {
  jobTemplate: template.id,
  resourceType: "compute-ops-mgmt/group",
  resourceId: group.id,
  timeoutMinutes: 5,
});
const powerOn = new computeOps.Job("power-on", {
  jobTemplate: "Server Power On",
  resourceType: "compute-ops-mgmt/server",
  resourceId: server.id,
  timeoutMinutes: 5,
});

export const groupId = group.id;
export const serverId = server.id;
export const jobIds = [compliance.id, powerOn.id];
