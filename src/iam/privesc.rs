//! Privilege-escalation methods: combinations of permissions that let a principal raise its own
//! privileges. The catalogue follows Rhino Security Labs' research and the method names
//! Cloudsplaining uses; each entry lists the actions that must all be granted.

use super::grant::{Access, Grant, Permissions};
use super::policy::Statement;
use std::borrow::Borrow;

/// One known escalation method.
#[derive(Debug, Clone, Copy)]
pub struct Method {
    pub name: &'static str,
    pub actions: &'static [&'static str],
    /// How the method raises privilege, for the finding's message.
    pub how: &'static str,
}

/// The catalogue. Order is the order findings list methods in.
pub const METHODS: &[Method] = &[
    Method {
        name: "CreateNewPolicyVersion",
        actions: &["iam:CreatePolicyVersion"],
        how: "write a new default version of a policy attached to itself",
    },
    Method {
        name: "SetExistingDefaultPolicyVersion",
        actions: &["iam:SetDefaultPolicyVersion"],
        how: "switch a policy to an older, broader version",
    },
    Method {
        name: "CreateAccessKey",
        actions: &["iam:CreateAccessKey"],
        how: "mint access keys for another, more privileged user",
    },
    Method {
        name: "CreateLoginProfile",
        actions: &["iam:CreateLoginProfile"],
        how: "set a console password on a user that has none",
    },
    Method {
        name: "UpdateLoginProfile",
        actions: &["iam:UpdateLoginProfile"],
        how: "reset another user's console password",
    },
    Method {
        name: "AttachUserPolicy",
        actions: &["iam:AttachUserPolicy"],
        how: "attach AdministratorAccess to a user",
    },
    Method {
        name: "AttachGroupPolicy",
        actions: &["iam:AttachGroupPolicy"],
        how: "attach AdministratorAccess to its own group",
    },
    Method {
        name: "AttachRolePolicy",
        actions: &["iam:AttachRolePolicy"],
        how: "attach AdministratorAccess to a role it can use",
    },
    Method {
        name: "PutUserPolicy",
        actions: &["iam:PutUserPolicy"],
        how: "write an admin inline policy onto a user",
    },
    Method {
        name: "PutGroupPolicy",
        actions: &["iam:PutGroupPolicy"],
        how: "write an admin inline policy onto its group",
    },
    Method {
        name: "PutRolePolicy",
        actions: &["iam:PutRolePolicy"],
        how: "write an admin inline policy onto a role",
    },
    Method {
        name: "AddUserToGroup",
        actions: &["iam:AddUserToGroup"],
        how: "join a more privileged group",
    },
    Method {
        name: "UpdateRolePolicyToAssumeIt",
        actions: &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
        how: "rewrite a privileged role's trust policy and assume it",
    },
    Method {
        name: "CreateEC2WithExistingInstanceProfile",
        actions: &["iam:PassRole", "ec2:RunInstances"],
        how: "launch an instance with a privileged instance profile and use its credentials",
    },
    Method {
        name: "PassExistingRoleToNewLambdaThenInvoke",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
        how: "run its own code as a privileged role in a new Lambda function",
    },
    Method {
        name: "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
        how: "run its own code as a privileged role, triggered by an event source",
    },
    Method {
        name: "EditExistingLambdaFunctionWithRole",
        actions: &["lambda:UpdateFunctionCode"],
        how: "replace the code of a function that runs as a privileged role",
    },
    Method {
        name: "PassExistingRoleToNewGlueDevEndpoint",
        actions: &["iam:PassRole", "glue:CreateDevEndpoint"],
        how: "open a Glue development endpoint running as a privileged role",
    },
    Method {
        name: "UpdateExistingGlueDevEndpoint",
        actions: &["glue:UpdateDevEndpoint"],
        how: "add its SSH key to a Glue endpoint that runs as a privileged role",
    },
    Method {
        name: "PassExistingRoleToCloudFormation",
        actions: &["iam:PassRole", "cloudformation:CreateStack"],
        how: "have CloudFormation create resources as a privileged role",
    },
    Method {
        name: "UpdateExistingCloudFormationStack",
        actions: &["cloudformation:UpdateStack"],
        how: "change a stack that deploys with a privileged service role",
    },
    Method {
        name: "PassExistingRoleToNewDataPipeline",
        actions: &["iam:PassRole", "datapipeline:CreatePipeline"],
        how: "run commands through a pipeline with a privileged role",
    },
    Method {
        name: "PassExistingRoleToNewCodeBuildProject",
        actions: &[
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild",
        ],
        how: "run a build as a privileged service role",
    },
    Method {
        name: "PassExistingRoleToNewSageMakerNotebook",
        actions: &[
            "iam:PassRole",
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
        how: "open a notebook that runs as a privileged role",
    },
    Method {
        name: "AccessExistingSageMakerNotebook",
        actions: &["sagemaker:CreatePresignedNotebookInstanceUrl"],
        how: "open an existing notebook and use its role",
    },
    Method {
        name: "PassExistingRoleToNewSageMakerProcessingJob",
        actions: &["iam:PassRole", "sagemaker:CreateProcessingJob"],
        how: "run a processing job as a privileged role",
    },
    Method {
        name: "PassExistingRoleToNewSageMakerTrainingJob",
        actions: &["iam:PassRole", "sagemaker:CreateTrainingJob"],
        how: "run a training job as a privileged role",
    },
    Method {
        name: "SsmSendCommand",
        actions: &["ssm:SendCommand"],
        how: "run shell commands on instances and take their instance-profile credentials",
    },
    Method {
        name: "SsmStartSession",
        actions: &["ssm:StartSession"],
        how: "open a shell on instances and take their instance-profile credentials",
    },
    Method {
        name: "Ec2InstanceConnect",
        actions: &["ec2-instance-connect:SendSSHPublicKey"],
        how: "push an SSH key to instances and take their instance-profile credentials",
    },
];

/// A method the statements make possible, with the grants that make it so.
#[derive(Debug, Clone)]
pub struct MethodHit {
    pub method: &'static Method,
    /// The weakest of the required grants: a method is only as open as its narrowest step.
    pub access: Access,
    pub grants: Vec<Grant>,
}

/// Every catalogued method the statements allow.
pub fn escalation_methods<S: Borrow<Statement>>(statements: &[S]) -> Vec<MethodHit> {
    escalation_methods_for(&Permissions::new(statements, None))
}

/// Every catalogued method a principal's permissions (boundary included) allow.
pub fn escalation_methods_for<S: Borrow<Statement>>(index: &Permissions<S>) -> Vec<MethodHit> {
    let mut hits = Vec::new();
    for method in METHODS {
        let grants: Vec<Grant> = method
            .actions
            .iter()
            .map(|a| index.grant(a, None))
            .collect();
        let access = grants
            .iter()
            .map(|g| g.access)
            .min()
            .unwrap_or(Access::None);
        if access > Access::None {
            hits.push(MethodHit {
                method,
                access,
                grants,
            });
        }
    }
    hits
}

/// Actions across services that an administrator can perform. A principal granted all of them
/// without condition on every resource is treated as admin-equivalent, whether the policy says
/// `*`, `*:*` or a `NotAction` that excludes almost nothing.
pub const ADMIN_PROBES: &[&str] = &[
    "iam:CreateUser",
    "iam:PutRolePolicy",
    "sts:AssumeRole",
    "s3:GetObject",
    "s3:PutBucketPolicy",
    "ec2:RunInstances",
    "kms:Decrypt",
    "lambda:CreateFunction",
    "cloudtrail:StopLogging",
    "organizations:LeaveOrganization",
];

/// The grants behind admin-equivalence, or `None` when any probe is not granted unconditionally.
pub fn admin_equivalent<S: Borrow<Statement>>(statements: &[S]) -> Option<Vec<Grant>> {
    admin_equivalent_for(&Permissions::new(statements, None))
}

/// As [`admin_equivalent`], for permissions that may be capped by a boundary.
pub fn admin_equivalent_for<S: Borrow<Statement>>(index: &Permissions<S>) -> Option<Vec<Grant>> {
    let mut grants = Vec::with_capacity(ADMIN_PROBES.len());
    for probe in ADMIN_PROBES {
        let g = index.grant(probe, None);
        // Most principals fail the first probe; stop there rather than asking about all ten.
        if g.access != Access::Unconditional {
            return None;
        }
        grants.push(g);
    }
    Some(grants)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stmts(doc: serde_json::Value) -> Vec<Statement> {
        crate::iam::policy::test_statements(doc)
    }

    #[test]
    fn split_policies_combine() {
        let s = stmts(json!({"Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": ["ec2:RunInstances"], "Resource": "*"}]}));
        let names: Vec<_> = escalation_methods(&s)
            .iter()
            .map(|h| h.method.name)
            .collect();
        assert_eq!(names, vec!["CreateEC2WithExistingInstanceProfile"]);
    }

    #[test]
    fn denied_iam_is_not_escalation() {
        let s = stmts(
            json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}, {"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        );
        assert!(escalation_methods(&s).is_empty());
        assert!(admin_equivalent(&s).is_none());
    }

    #[test]
    fn admin_via_star_and_not_action() {
        assert!(admin_equivalent(&stmts(
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
        ))
        .is_some());
        assert!(admin_equivalent(&stmts(
            json!({"Statement": {"Effect": "Allow", "NotAction": "aws-portal:*", "Resource": "*"}})
        ))
        .is_some());
        assert!(admin_equivalent(&stmts(
            json!({"Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}})
        ))
        .is_none());
    }
}
