//! Privilege-escalation methods: combinations of permissions that let a principal raise its own
//! privileges. The catalogue follows Rhino Security Labs' research and the method names
//! Cloudsplaining uses (its original Rhino set and the paths it later took from pathfinding.cloud);
//! each entry lists the steps that must all be granted, each on a resource that makes it work.
//!
//! Where Cloudsplaining lists several variants of one escalation (a Spot request instead of
//! `RunInstances`, a trigger instead of an invocation, "attach a policy, then mint a key"), the
//! entry merges them: a step may be satisfied by any of its actions, and a variant that only adds
//! actions to a method we already have is covered by it. `cloudsplaining` names what each entry
//! covers; [`NOT_ADOPTED`] lists the definitions we deliberately do not take over as they stand.

use super::grant::{Access, ActionSet, Grant, Permissions};
use super::pattern::wildcard_match;
use super::policy::Statement;
use foldhash::{HashMap, HashMapExt};
use serde_json::Value;
use std::borrow::Borrow;
use std::sync::OnceLock;

/// One step of a method: any one of `any_of` does its job.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub any_of: &'static [&'static str],
    /// The kind of resource the action must reach for the step to work, as an ARN pattern
    /// (PassRole on an S3 bucket passes no role). `None` where the action authorises against
    /// many resource types at once (`ec2:RunInstances`) and no one type decides it.
    pub on: Option<&'static str>,
}

/// One known escalation method.
#[derive(Debug, Clone, Copy)]
pub struct Method {
    pub name: &'static str,
    /// Every step must be granted. The first is the one to remove or scope to close the method.
    pub steps: &'static [Step],
    /// For methods that hand a role to a service: the service principals it is handed to. An
    /// `iam:PassedToService` condition naming only other services closes the method.
    pub passed_to: &'static [&'static str],
    /// How the method raises privilege, for the finding's message.
    pub how: &'static str,
    /// Cloudsplaining's names for this method and for the variants it covers.
    pub cloudsplaining: &'static [&'static str],
}

impl Method {
    /// The steps as a requirement, e.g. `iam:PassRole + ec2:RunInstances (or ec2:RequestSpotInstances)`.
    pub fn requirement(&self) -> String {
        self.steps
            .iter()
            .map(|s| match s.any_of {
                [one] => one.to_string(),
                [first, rest @ ..] => format!("{first} (or {})", rest.join(" or ")),
                [] => String::new(),
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

const POLICY: Option<&str> = Some("arn:aws:iam::*:policy/*");
const USER: Option<&str> = Some("arn:aws:iam::*:user/*");
const GROUP: Option<&str> = Some("arn:aws:iam::*:group/*");
const ROLE: Option<&str> = Some("arn:aws:iam::*:role/*");
const FUNCTION: Option<&str> = Some("arn:aws:lambda:*:*:function:*");
const ANY: Option<&str> = None;

macro_rules! step {
    ($on:expr, $($action:literal)|+) => {
        Step { any_of: &[$($action),+], on: $on }
    };
}

const PASS_ROLE: Step = step!(ROLE, "iam:PassRole");

/// Cloudsplaining definitions we do not take over as they stand, with the reason: a principal
/// holding exactly Cloudsplaining's actions is not flagged. Each name still maps to an entry,
/// which needs what the escalation really takes.
pub const NOT_ADOPTED: &[(&str, &str)] = &[
    (
        "PassExistingRoleToNewSageMakerNotebookInstance",
        "PassRole + CreateNotebookInstance alone run none of the caller's code: it must also open the notebook (CreatePresignedNotebookInstanceUrl) or give it a lifecycle script (CreateNotebookInstanceLifecycleConfig); we require one of them (PassExistingRoleToNewSageMakerNotebook)",
    ),
    (
        "PassExistingRoleToNewDataPipeline",
        "a pipeline created with CreatePipeline is empty and idle: the commands that run as the role come from PutPipelineDefinition and run only after ActivatePipeline, so we require both as Rhino Security Labs' method does",
    ),
];

/// The catalogue. Order is the order findings list methods in.
pub const METHODS: &[Method] = &[
    // IAM permissions on policies.
    Method {
        name: "CreateNewPolicyVersion",
        steps: &[step!(POLICY, "iam:CreatePolicyVersion")],
        passed_to: &[],
        how: "write a new default version of a policy attached to itself",
        cloudsplaining: &[
            "CreateNewPolicyVersion",
            "CreatePolicyVersionThenAssumeRole",
            "CreatePolicyVersionThenUpdateAssumeRolePolicy",
        ],
    },
    Method {
        name: "SetExistingDefaultPolicyVersion",
        steps: &[step!(POLICY, "iam:SetDefaultPolicyVersion")],
        passed_to: &[],
        how: "switch a policy to an older, broader version",
        cloudsplaining: &["SetExistingDefaultPolicyVersion"],
    },
    // IAM permissions on other users.
    Method {
        name: "CreateAccessKey",
        steps: &[step!(USER, "iam:CreateAccessKey")],
        passed_to: &[],
        how: "mint access keys for another, more privileged user",
        cloudsplaining: &["CreateAccessKey", "CreateAndRotateAccessKey"],
    },
    Method {
        name: "CreateLoginProfile",
        steps: &[step!(USER, "iam:CreateLoginProfile")],
        passed_to: &[],
        how: "set a console password on a user that has none",
        cloudsplaining: &["CreateLoginProfile"],
    },
    Method {
        name: "UpdateLoginProfile",
        steps: &[step!(USER, "iam:UpdateLoginProfile")],
        passed_to: &[],
        how: "reset another user's console password",
        cloudsplaining: &["UpdateLoginProfile"],
    },
    Method {
        name: "AttachUserPolicy",
        steps: &[step!(USER, "iam:AttachUserPolicy")],
        passed_to: &[],
        how: "attach AdministratorAccess to a user",
        cloudsplaining: &["AttachUserPolicy", "AttachUserPolicyThenCreateAccessKey"],
    },
    Method {
        name: "AttachGroupPolicy",
        steps: &[step!(GROUP, "iam:AttachGroupPolicy")],
        passed_to: &[],
        how: "attach AdministratorAccess to its own group",
        cloudsplaining: &["AttachGroupPolicy"],
    },
    Method {
        name: "AttachRolePolicy",
        steps: &[step!(ROLE, "iam:AttachRolePolicy")],
        passed_to: &[],
        how: "attach AdministratorAccess to a role it can use",
        cloudsplaining: &[
            "AttachRolePolicy",
            "AttachRolePolicyThenUpdateAssumeRolePolicy",
        ],
    },
    Method {
        name: "PutUserPolicy",
        steps: &[step!(USER, "iam:PutUserPolicy")],
        passed_to: &[],
        how: "write an admin inline policy onto a user",
        cloudsplaining: &["PutUserPolicy", "PutUserPolicyThenCreateAccessKey"],
    },
    Method {
        name: "PutGroupPolicy",
        steps: &[step!(GROUP, "iam:PutGroupPolicy")],
        passed_to: &[],
        how: "write an admin inline policy onto its group",
        cloudsplaining: &["PutGroupPolicy"],
    },
    Method {
        name: "PutRolePolicy",
        steps: &[step!(ROLE, "iam:PutRolePolicy")],
        passed_to: &[],
        how: "write an admin inline policy onto a role",
        cloudsplaining: &["PutRolePolicy", "PutRolePolicyThenUpdateAssumeRolePolicy"],
    },
    Method {
        name: "AddUserToGroup",
        steps: &[step!(GROUP, "iam:AddUserToGroup")],
        passed_to: &[],
        how: "join a more privileged group",
        cloudsplaining: &["AddUserToGroup"],
    },
    // A trust policy that names the caller's own ARN lets it assume the role in the same
    // account without any sts:AssumeRole grant of its own, so rewriting the trust is enough.
    Method {
        name: "UpdateRolePolicyToAssumeIt",
        steps: &[step!(ROLE, "iam:UpdateAssumeRolePolicy")],
        passed_to: &[],
        how: "rewrite a privileged role's trust policy to name itself and assume the role",
        cloudsplaining: &["UpdateRolePolicyToAssumeIt"],
    },
    // Passing an existing role to new compute.
    Method {
        name: "CreateEC2WithExistingInstanceProfile",
        steps: &[
            PASS_ROLE,
            step!(ANY, "ec2:RunInstances" | "ec2:RequestSpotInstances"),
        ],
        passed_to: &["ec2.amazonaws.com"],
        how: "launch an instance with a privileged instance profile and use its credentials",
        cloudsplaining: &["CreateEC2WithExistingIP", "PassExistingRoleToNewEC2SpotInstance"],
    },
    Method {
        name: "PassExistingRoleToNewLambdaThenInvoke",
        steps: &[
            PASS_ROLE,
            step!(FUNCTION, "lambda:CreateFunction"),
            step!(FUNCTION, "lambda:InvokeFunction" | "lambda:AddPermission"),
        ],
        passed_to: &["lambda.amazonaws.com"],
        how: "run its own code as a privileged role in a new Lambda function, invoked directly or by a principal it authorises",
        cloudsplaining: &[
            "PassExistingRoleToNewLambdaThenInvoke",
            "PassExistingRoleToNewLambdaThenAddPermission",
        ],
    },
    // An existing stream or queue is enough for the event source mapping; creating a DynamoDB
    // table for it (Cloudsplaining's "WithNewDynamo") only adds actions.
    Method {
        name: "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
        steps: &[
            PASS_ROLE,
            step!(FUNCTION, "lambda:CreateFunction"),
            step!(ANY, "lambda:CreateEventSourceMapping"),
        ],
        passed_to: &["lambda.amazonaws.com"],
        how: "run its own code as a privileged role in a new Lambda function triggered by an event source",
        cloudsplaining: &[
            "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
            "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
        ],
    },
    Method {
        name: "PassExistingRoleToNewGlueDevEndpoint",
        steps: &[PASS_ROLE, step!(ANY, "glue:CreateDevEndpoint")],
        passed_to: &["glue.amazonaws.com"],
        how: "open a Glue development endpoint running as a privileged role",
        cloudsplaining: &["PassExistingRoleToNewGlueDevEndpoint"],
    },
    Method {
        name: "PassExistingRoleToGlueJob",
        steps: &[
            PASS_ROLE,
            step!(ANY, "glue:CreateJob" | "glue:UpdateJob"),
            step!(ANY, "glue:StartJobRun" | "glue:CreateTrigger"),
        ],
        passed_to: &["glue.amazonaws.com"],
        how: "create or rewrite a Glue job to run its script as a privileged role, then start it",
        cloudsplaining: &[
            "PassExistingRoleToNewGlueJobThenRun",
            "PassExistingRoleToNewGlueJobViaTrigger",
            "PassExistingRoleToUpdatedGlueJobThenRun",
            "PassExistingRoleToUpdatedGlueJobViaTrigger",
        ],
    },
    Method {
        name: "PassExistingRoleToCloudFormation",
        steps: &[PASS_ROLE, step!(ANY, "cloudformation:CreateStack")],
        passed_to: &["cloudformation.amazonaws.com"],
        how: "have CloudFormation create resources as a privileged role",
        cloudsplaining: &["PassExistingRoleToCloudFormation"],
    },
    Method {
        name: "PassExistingRoleToNewCloudFormationStackSet",
        steps: &[
            PASS_ROLE,
            step!(ANY, "cloudformation:CreateStackSet"),
            step!(ANY, "cloudformation:CreateStackInstances"),
        ],
        passed_to: &["cloudformation.amazonaws.com"],
        how: "deploy a stack set whose administration role is privileged",
        cloudsplaining: &["PassExistingRoleToNewCloudFormationStackSet"],
    },
    Method {
        name: "PassRoleToUpdateCloudFormationStackSet",
        steps: &[PASS_ROLE, step!(ANY, "cloudformation:UpdateStackSet")],
        passed_to: &["cloudformation.amazonaws.com"],
        how: "redeploy an existing stack set with a privileged administration role and its own template",
        cloudsplaining: &["PassRoleToUpdateCloudFormationStackSet"],
    },
    Method {
        name: "PassExistingRoleToNewDataPipeline",
        steps: &[
            PASS_ROLE,
            step!(ANY, "datapipeline:CreatePipeline"),
            step!(ANY, "datapipeline:PutPipelineDefinition"),
            step!(ANY, "datapipeline:ActivatePipeline"),
        ],
        passed_to: &["datapipeline.amazonaws.com", "elasticmapreduce.amazonaws.com"],
        how: "run commands through a pipeline with a privileged role",
        cloudsplaining: &["PassExistingRoleToNewDataPipeline"],
    },
    Method {
        name: "PassExistingRoleToNewCodeBuildProject",
        steps: &[
            PASS_ROLE,
            step!(ANY, "codebuild:CreateProject"),
            step!(ANY, "codebuild:StartBuild" | "codebuild:StartBuildBatch"),
        ],
        passed_to: &["codebuild.amazonaws.com"],
        how: "run a build as a privileged service role",
        cloudsplaining: &[
            "PassExistingRoleToNewCodeBuildProjectThenBuild",
            "PassExistingRoleToNewCodeBuildProjectThenBuildBatch",
        ],
    },
    Method {
        name: "PassExistingRoleToNewSageMakerNotebook",
        steps: &[
            PASS_ROLE,
            step!(ANY, "sagemaker:CreateNotebookInstance"),
            step!(
                ANY,
                "sagemaker:CreatePresignedNotebookInstanceUrl"
                    | "sagemaker:CreateNotebookInstanceLifecycleConfig"
            ),
        ],
        passed_to: &["sagemaker.amazonaws.com"],
        how: "open, or script, a new notebook that runs as a privileged role",
        cloudsplaining: &["PassExistingRoleToNewSageMakerNotebookInstance"],
    },
    Method {
        name: "PassExistingRoleToNewSageMakerProcessingJob",
        steps: &[PASS_ROLE, step!(ANY, "sagemaker:CreateProcessingJob")],
        passed_to: &["sagemaker.amazonaws.com"],
        how: "run a processing job as a privileged role",
        cloudsplaining: &["PassExistingRoleToNewSageMakerProcessingJob"],
    },
    Method {
        name: "PassExistingRoleToNewSageMakerTrainingJob",
        steps: &[PASS_ROLE, step!(ANY, "sagemaker:CreateTrainingJob")],
        passed_to: &["sagemaker.amazonaws.com"],
        how: "run a training job as a privileged role",
        cloudsplaining: &["PassExistingRoleToNewSageMakerTrainingJob"],
    },
    // Creating a cluster (Cloudsplaining's "NewECSCluster" variants) only adds an action: any
    // existing cluster runs the task.
    Method {
        name: "PassExistingRoleToNewECSTask",
        steps: &[
            PASS_ROLE,
            step!(ANY, "ecs:RegisterTaskDefinition"),
            step!(ANY, "ecs:RunTask" | "ecs:StartTask" | "ecs:CreateService"),
        ],
        passed_to: &["ecs-tasks.amazonaws.com", "ecs.amazonaws.com"],
        how: "register a task definition with a privileged task role and run it as a task or service",
        cloudsplaining: &[
            "PassExistingRoleToNewECSTaskViaRunTask",
            "PassExistingRoleToNewECSTaskViaStartTask",
            "PassExistingRoleToNewECSService",
            "PassExistingRoleToNewECSClusterRunTask",
            "PassExistingRoleToNewECSClusterServiceTask",
        ],
    },
    Method {
        name: "PassExistingRoleToNewAppRunnerService",
        steps: &[PASS_ROLE, step!(ANY, "apprunner:CreateService")],
        passed_to: &[
            "apprunner.amazonaws.com",
            "tasks.apprunner.amazonaws.com",
            "build.apprunner.amazonaws.com",
        ],
        how: "deploy an App Runner service whose instance role is privileged",
        cloudsplaining: &["PassExistingRoleToNewAppRunnerService"],
    },
    Method {
        name: "PassExistingRoleToNewBedrockCodeInterpreter",
        steps: &[
            PASS_ROLE,
            step!(ANY, "bedrock-agentcore:CreateCodeInterpreter"),
            step!(ANY, "bedrock-agentcore:StartCodeInterpreterSession"),
            step!(ANY, "bedrock-agentcore:InvokeCodeInterpreter"),
        ],
        passed_to: &["bedrock-agentcore.amazonaws.com"],
        how: "create a Bedrock AgentCore code interpreter with a privileged execution role and run code in it",
        cloudsplaining: &["PassExistingRoleToNewBedrockCodeInterpreter"],
    },
    // Taking over compute that already runs as a role.
    Method {
        name: "EditExistingLambdaFunctionWithRole",
        steps: &[step!(FUNCTION, "lambda:UpdateFunctionCode")],
        passed_to: &[],
        how: "replace the code of a function that runs as a privileged role (its existing triggers run it)",
        cloudsplaining: &[
            "EditExistingLambdaFunctionWithRole",
            "UpdateAndInvokeLambdaFunction",
            "UpdateLambdaFunctionAndAddPermission",
        ],
    },
    Method {
        name: "UpdateExistingGlueDevEndpoint",
        steps: &[step!(ANY, "glue:UpdateDevEndpoint")],
        passed_to: &[],
        how: "add its SSH key to a Glue endpoint that runs as a privileged role",
        cloudsplaining: &["UpdateExistingGlueDevEndpoint"],
    },
    Method {
        name: "UpdateExistingCloudFormationStack",
        steps: &[step!(ANY, "cloudformation:UpdateStack")],
        passed_to: &[],
        how: "change a stack that deploys with a privileged service role",
        cloudsplaining: &[],
    },
    Method {
        name: "ExecuteCloudFormationChangeSet",
        steps: &[
            step!(ANY, "cloudformation:CreateChangeSet"),
            step!(ANY, "cloudformation:ExecuteChangeSet"),
        ],
        passed_to: &[],
        how: "change a stack that deploys with a privileged service role through a change set",
        cloudsplaining: &["ExecuteCloudFormationChangeSet"],
    },
    Method {
        name: "AccessExistingSageMakerNotebook",
        steps: &[step!(ANY, "sagemaker:CreatePresignedNotebookInstanceUrl")],
        passed_to: &[],
        how: "open an existing notebook and use its role",
        cloudsplaining: &["CreatePresignedSageMakerNotebookUrl"],
    },
    Method {
        name: "UpdateSageMakerNotebookLifecycleConfig",
        steps: &[
            step!(ANY, "sagemaker:CreateNotebookInstanceLifecycleConfig"),
            step!(ANY, "sagemaker:StopNotebookInstance"),
            step!(ANY, "sagemaker:UpdateNotebookInstance"),
            step!(ANY, "sagemaker:StartNotebookInstance"),
        ],
        passed_to: &[],
        how: "give an existing notebook a lifecycle script and restart it, running the script as the notebook's role",
        cloudsplaining: &["UpdateSageMakerNotebookLifecycleConfig"],
    },
    Method {
        name: "AccessExistingBedrockCodeInterpreterSession",
        steps: &[
            step!(ANY, "bedrock-agentcore:StartCodeInterpreterSession"),
            step!(ANY, "bedrock-agentcore:InvokeCodeInterpreter"),
        ],
        passed_to: &[],
        how: "run code in an existing Bedrock AgentCore code interpreter and use its execution role",
        cloudsplaining: &["AccessExistingBedrockCodeInterpreterSession"],
    },
    Method {
        name: "ModifyEC2InstanceUserDataThenRestart",
        steps: &[
            step!(ANY, "ec2:ModifyInstanceAttribute"),
            step!(ANY, "ec2:StopInstances"),
            step!(ANY, "ec2:StartInstances"),
        ],
        passed_to: &[],
        how: "rewrite a stopped instance's user data, which runs as root at start, and take its instance-profile credentials",
        cloudsplaining: &["ModifyEC2InstanceUserDataThenRestart"],
    },
    Method {
        name: "ModifyExistingEC2LaunchTemplate",
        steps: &[
            step!(ANY, "ec2:CreateLaunchTemplateVersion"),
            step!(ANY, "ec2:ModifyLaunchTemplate"),
        ],
        passed_to: &[],
        how: "make its own user data the default of a launch template whose instances carry a privileged instance profile",
        cloudsplaining: &["ModifyExistingEC2LaunchTemplate"],
    },
    // `ecs:DescribeTasks` in Cloudsplaining's definition only finds the task; it is not needed.
    Method {
        name: "ECSExecuteCommandOnRunningTask",
        steps: &[step!(ANY, "ecs:ExecuteCommand")],
        passed_to: &[],
        how: "open a shell in a running container and take its task-role credentials",
        cloudsplaining: &["ECSExecuteCommandOnRunningTask"],
    },
    Method {
        name: "SsmSendCommand",
        steps: &[step!(ANY, "ssm:SendCommand")],
        passed_to: &[],
        how: "run shell commands on instances and take their instance-profile credentials",
        cloudsplaining: &[],
    },
    Method {
        name: "SsmStartSession",
        steps: &[step!(ANY, "ssm:StartSession")],
        passed_to: &[],
        how: "open a shell on instances and take their instance-profile credentials",
        cloudsplaining: &[],
    },
    // `ec2:DescribeInstances` in Cloudsplaining's definition only finds the instance.
    Method {
        name: "Ec2InstanceConnect",
        steps: &[step!(ANY, "ec2-instance-connect:SendSSHPublicKey")],
        passed_to: &[],
        how: "push an SSH key to instances and take their instance-profile credentials",
        cloudsplaining: &["EC2InstanceConnectSendSSHPublicKey"],
    },
];

/// A method the statements make possible, with the grants that make it so.
#[derive(Debug, Clone)]
pub struct MethodHit {
    pub method: &'static Method,
    /// The weakest of the required grants: a method is only as open as its narrowest step.
    pub access: Access,
    /// One grant per step, for the action that grants it most broadly.
    pub grants: Vec<Grant>,
}

/// Every catalogued method the statements allow.
pub fn escalation_methods<S: Borrow<Statement>>(statements: &[S]) -> Vec<MethodHit> {
    escalation_methods_for(&Permissions::new(statements, None))
}

/// Every catalogued method a principal's permissions (boundary included) allow.
pub fn escalation_methods_for<S: Borrow<Statement>>(index: &Permissions<S>) -> Vec<MethodHit> {
    let numbers = action_numbers();
    let allowed = index.may_allow_each(&numbers.set);
    METHODS
        .iter()
        .zip(&numbers.by_step)
        .filter_map(|(method, steps)| method_hit(index, method, steps, &allowed))
        .collect()
}

/// The catalogue's actions numbered, each distinct action (case as written) once, so that a
/// principal is asked whether it may be allowed an action once however many methods need it
/// (sixteen methods start with `iam:PassRole`, and most principals are not allowed it), and all
/// of them in one pass over its statements.
struct ActionNumbers {
    /// Per method, per step, the number of each of the step's `any_of`.
    by_step: Vec<Vec<Vec<usize>>>,
    /// The distinct actions, by number.
    set: ActionSet,
}

fn action_numbers() -> &'static ActionNumbers {
    static NUMBERS: OnceLock<ActionNumbers> = OnceLock::new();
    NUMBERS.get_or_init(|| {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut distinct: Vec<&'static str> = Vec::new();
        let by_step = METHODS
            .iter()
            .map(|m| {
                m.steps
                    .iter()
                    .map(|s| {
                        s.any_of
                            .iter()
                            .map(|a| {
                                *seen.entry(a).or_insert_with(|| {
                                    distinct.push(a);
                                    distinct.len() - 1
                                })
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        ActionNumbers {
            by_step,
            set: ActionSet::new(&distinct),
        }
    })
}

/// `numbers` are the method's action numbers (see [`ActionNumbers`]); `allowed` holds
/// [`Permissions::may_allow`] by number for the principal.
fn method_hit<S: Borrow<Statement>>(
    index: &Permissions<S>,
    method: &'static Method,
    numbers: &[Vec<usize>],
    allowed: &[bool],
) -> Option<MethodHit> {
    let may = |_: &str, n: usize| allowed[n];
    // Most principals are allowed no action of most steps: say so for every step before
    // building any grant, so that a PassRole holder costs no PassRole grant for each of the
    // methods whose other step it lacks.
    for (step, numbers) in method.steps.iter().zip(numbers) {
        if !step.any_of.iter().zip(numbers).any(|(a, &n)| may(a, n)) {
            return None;
        }
    }
    let mut grants = Vec::with_capacity(method.steps.len());
    for (step, numbers) in method.steps.iter().zip(numbers) {
        // An action no statement allows grants nothing under any filter: it cannot be the
        // step's best (a tie keeps the earlier grant, and a step of no access closes the method).
        let allowed = step
            .any_of
            .iter()
            .zip(numbers)
            .filter(|&(a, &n)| may(a, n))
            .map(|(a, _)| *a);
        let best = best_grant(index, method, step, allowed)?;
        if best.access == Access::None {
            return None;
        }
        grants.push(best);
    }
    hit(method, grants)
}

/// The method's hit from one grant per step, when every step grants something: a method is
/// only as open as its narrowest step.
fn hit(method: &'static Method, grants: Vec<Grant>) -> Option<MethodHit> {
    if grants.iter().any(|g| g.access == Access::None) {
        return None;
    }
    let access = grants.iter().map(|g| g.access).min()?;
    Some(MethodHit {
        method,
        access,
        grants,
    })
}

/// The broadest grant of `actions` (alternatives of the method's `step`), the earlier one on a
/// tie; `None` without actions.
fn best_grant<'a, S: Borrow<Statement>>(
    index: &Permissions<S>,
    method: &Method,
    step: &Step,
    actions: impl Iterator<Item = &'a str>,
) -> Option<Grant> {
    actions
        .map(|action| {
            let hands_over = action.eq_ignore_ascii_case("iam:PassRole");
            let keep = |s: &Statement| !hands_over || passes_to_any(s, method.passed_to);
            index.grant_where(action, step.on, &keep)
        })
        .reduce(|best, g| if g.access > best.access { g } else { best })
}

/// Whether the statement's `iam:PassedToService` condition, if any, lets the role go to one of
/// `services`. Other condition keys are left to [`Access::Conditional`]; an operator we do not
/// read keeps the statement, so a condition can only close a method we understand.
pub fn passes_to_any(stmt: &Statement, services: &[&str]) -> bool {
    let Some(operators) = stmt.condition.as_deref().and_then(Value::as_object) else {
        return true;
    };
    if services.is_empty() {
        return true;
    }
    for (operator, block) in operators {
        let Some(value) = block.as_object().and_then(|b| {
            b.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("iam:PassedToService"))
                .map(|(_, v)| v)
        }) else {
            continue;
        };
        let values: Vec<&str> = match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        let op = operator.to_ascii_lowercase();
        let op = op
            .strip_prefix("foranyvalue:")
            .or_else(|| op.strip_prefix("forallvalues:"))
            .unwrap_or(&op);
        let op = op.strip_suffix("ifexists").unwrap_or(op);
        let like = op.contains("like");
        let named = |service: &str| {
            values.iter().any(|v| {
                if like {
                    wildcard_match(v, service, true)
                } else {
                    v.eq_ignore_ascii_case(service)
                }
            })
        };
        let open = match op {
            "stringequals" | "stringequalsignorecase" | "stringlike" => {
                services.iter().any(|s| named(s))
            }
            "stringnotequals" | "stringnotequalsignorecase" | "stringnotlike" => {
                services.iter().any(|s| !named(s))
            }
            _ => true,
        };
        if !open {
            return false;
        }
    }
    true
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

    fn hit_names<S: Borrow<Statement>>(statements: &[S]) -> Vec<&'static str> {
        escalation_methods(statements)
            .iter()
            .map(|h| h.method.name)
            .collect()
    }

    fn allow(actions: &[&str]) -> serde_json::Value {
        json!({"Effect": "Allow", "Action": actions, "Resource": "*"})
    }

    /// Every method, data-driven: flagged with exactly its actions (each alternative in turn),
    /// not flagged with any one step missing, and not flagged when a Deny covers one step.
    #[test]
    fn every_method_needs_every_step() {
        for m in METHODS {
            let base: Vec<&str> = m.steps.iter().map(|s| s.any_of[0]).collect();
            assert!(
                hit_names(&stmts(json!({"Statement": [allow(&base)]}))).contains(&m.name),
                "{} not flagged with {base:?}",
                m.name
            );
            for (i, step) in m.steps.iter().enumerate() {
                for alt in step.any_of {
                    let mut with_alt = base.clone();
                    with_alt[i] = alt;
                    assert!(
                        hit_names(&stmts(json!({"Statement": [allow(&with_alt)]})))
                            .contains(&m.name),
                        "{} not flagged with alternative {alt}",
                        m.name
                    );
                }
                let mut missing = base.clone();
                missing.remove(i);
                if !missing.is_empty() {
                    assert!(
                        !hit_names(&stmts(json!({"Statement": [allow(&missing)]})))
                            .contains(&m.name),
                        "{} flagged without {:?}",
                        m.name,
                        step.any_of
                    );
                }
                let denied = stmts(json!({"Statement": [
                    allow(&base),
                    {"Effect": "Deny", "Action": step.any_of, "Resource": "*"}]}));
                assert!(
                    !hit_names(&denied).contains(&m.name),
                    "{} flagged despite a Deny on {:?}",
                    m.name,
                    step.any_of
                );
            }
        }
        let names: Vec<&str> = METHODS.iter().map(|m| m.name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "method names are unique");
    }

    /// Cloudsplaining's `PRIVILEGE_ESCALATION_METHODS` (cloudsplaining/shared/constants.py,
    /// salesforce/cloudsplaining): its name for each method and the actions it requires.
    const CLOUDSPLAINING: &[(&str, &[&str])] = &[
        ("CreateAccessKey", &["iam:CreateAccessKey"]),
        ("CreateLoginProfile", &["iam:CreateLoginProfile"]),
        ("UpdateLoginProfile", &["iam:UpdateLoginProfile"]),
        ("AddUserToGroup", &["iam:AddUserToGroup"]),
        ("CreateNewPolicyVersion", &["iam:CreatePolicyVersion"]),
        (
            "SetExistingDefaultPolicyVersion",
            &["iam:SetDefaultPolicyVersion"],
        ),
        ("AttachUserPolicy", &["iam:AttachUserPolicy"]),
        ("AttachGroupPolicy", &["iam:AttachGroupPolicy"]),
        ("AttachRolePolicy", &["iam:AttachRolePolicy"]),
        ("PutUserPolicy", &["iam:PutUserPolicy"]),
        ("PutGroupPolicy", &["iam:PutGroupPolicy"]),
        ("PutRolePolicy", &["iam:PutRolePolicy"]),
        (
            "UpdateRolePolicyToAssumeIt",
            &["iam:UpdateAssumeRolePolicy"],
        ),
        (
            "CreateEC2WithExistingIP",
            &["iam:PassRole", "ec2:RunInstances"],
        ),
        (
            "PassExistingRoleToNewLambdaThenInvoke",
            &[
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:InvokeFunction",
            ],
        ),
        (
            "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
            &[
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:CreateEventSourceMapping",
                "dynamodb:CreateTable",
                "dynamodb:PutItem",
            ],
        ),
        (
            "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
            &[
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:CreateEventSourceMapping",
            ],
        ),
        (
            "PassExistingRoleToNewGlueDevEndpoint",
            &["iam:PassRole", "glue:CreateDevEndpoint"],
        ),
        (
            "PassExistingRoleToCloudFormation",
            &["iam:PassRole", "cloudformation:CreateStack"],
        ),
        (
            "PassExistingRoleToNewDataPipeline",
            &["iam:PassRole", "datapipeline:CreatePipeline"],
        ),
        ("UpdateExistingGlueDevEndpoint", &["glue:UpdateDevEndpoint"]),
        (
            "EditExistingLambdaFunctionWithRole",
            &["lambda:UpdateFunctionCode"],
        ),
        (
            "AccessExistingBedrockCodeInterpreterSession",
            &[
                "bedrock-agentcore:StartCodeInterpreterSession",
                "bedrock-agentcore:InvokeCodeInterpreter",
            ],
        ),
        (
            "ExecuteCloudFormationChangeSet",
            &[
                "cloudformation:CreateChangeSet",
                "cloudformation:ExecuteChangeSet",
            ],
        ),
        (
            "ModifyEC2InstanceUserDataThenRestart",
            &[
                "ec2:ModifyInstanceAttribute",
                "ec2:StopInstances",
                "ec2:StartInstances",
            ],
        ),
        (
            "ModifyExistingEC2LaunchTemplate",
            &[
                "ec2:CreateLaunchTemplateVersion",
                "ec2:ModifyLaunchTemplate",
            ],
        ),
        (
            "EC2InstanceConnectSendSSHPublicKey",
            &[
                "ec2-instance-connect:SendSSHPublicKey",
                "ec2:DescribeInstances",
            ],
        ),
        (
            "ECSExecuteCommandOnRunningTask",
            &["ecs:ExecuteCommand", "ecs:DescribeTasks"],
        ),
        (
            "UpdateAndInvokeLambdaFunction",
            &["lambda:UpdateFunctionCode", "lambda:InvokeFunction"],
        ),
        (
            "UpdateLambdaFunctionAndAddPermission",
            &["lambda:UpdateFunctionCode", "lambda:AddPermission"],
        ),
        (
            "CreatePresignedSageMakerNotebookUrl",
            &["sagemaker:CreatePresignedNotebookInstanceUrl"],
        ),
        (
            "UpdateSageMakerNotebookLifecycleConfig",
            &[
                "sagemaker:CreateNotebookInstanceLifecycleConfig",
                "sagemaker:StopNotebookInstance",
                "sagemaker:UpdateNotebookInstance",
                "sagemaker:StartNotebookInstance",
            ],
        ),
        (
            "PassExistingRoleToNewAppRunnerService",
            &["iam:PassRole", "apprunner:CreateService"],
        ),
        (
            "PassExistingRoleToNewBedrockCodeInterpreter",
            &[
                "iam:PassRole",
                "bedrock-agentcore:CreateCodeInterpreter",
                "bedrock-agentcore:StartCodeInterpreterSession",
                "bedrock-agentcore:InvokeCodeInterpreter",
            ],
        ),
        (
            "PassExistingRoleToNewCloudFormationStackSet",
            &[
                "iam:PassRole",
                "cloudformation:CreateStackSet",
                "cloudformation:CreateStackInstances",
            ],
        ),
        (
            "PassRoleToUpdateCloudFormationStackSet",
            &["iam:PassRole", "cloudformation:UpdateStackSet"],
        ),
        (
            "PassExistingRoleToNewCodeBuildProjectThenBuild",
            &[
                "iam:PassRole",
                "codebuild:CreateProject",
                "codebuild:StartBuild",
            ],
        ),
        (
            "PassExistingRoleToNewCodeBuildProjectThenBuildBatch",
            &[
                "iam:PassRole",
                "codebuild:CreateProject",
                "codebuild:StartBuildBatch",
            ],
        ),
        (
            "PassExistingRoleToNewEC2SpotInstance",
            &["iam:PassRole", "ec2:RequestSpotInstances"],
        ),
        (
            "PassExistingRoleToNewECSClusterServiceTask",
            &[
                "iam:PassRole",
                "ecs:CreateCluster",
                "ecs:RegisterTaskDefinition",
                "ecs:CreateService",
            ],
        ),
        (
            "PassExistingRoleToNewECSClusterRunTask",
            &[
                "iam:PassRole",
                "ecs:CreateCluster",
                "ecs:RegisterTaskDefinition",
                "ecs:RunTask",
            ],
        ),
        (
            "PassExistingRoleToNewECSService",
            &[
                "iam:PassRole",
                "ecs:RegisterTaskDefinition",
                "ecs:CreateService",
            ],
        ),
        (
            "PassExistingRoleToNewECSTaskViaRunTask",
            &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
        ),
        (
            "PassExistingRoleToNewECSTaskViaStartTask",
            &[
                "iam:PassRole",
                "ecs:RegisterTaskDefinition",
                "ecs:StartTask",
            ],
        ),
        (
            "PassExistingRoleToNewGlueJobThenRun",
            &["iam:PassRole", "glue:CreateJob", "glue:StartJobRun"],
        ),
        (
            "PassExistingRoleToNewGlueJobViaTrigger",
            &["iam:PassRole", "glue:CreateJob", "glue:CreateTrigger"],
        ),
        (
            "PassExistingRoleToUpdatedGlueJobThenRun",
            &["iam:PassRole", "glue:UpdateJob", "glue:StartJobRun"],
        ),
        (
            "PassExistingRoleToUpdatedGlueJobViaTrigger",
            &["iam:PassRole", "glue:UpdateJob", "glue:CreateTrigger"],
        ),
        (
            "PassExistingRoleToNewLambdaThenAddPermission",
            &[
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:AddPermission",
            ],
        ),
        (
            "PassExistingRoleToNewSageMakerNotebookInstance",
            &["iam:PassRole", "sagemaker:CreateNotebookInstance"],
        ),
        (
            "PassExistingRoleToNewSageMakerTrainingJob",
            &["iam:PassRole", "sagemaker:CreateTrainingJob"],
        ),
        (
            "PassExistingRoleToNewSageMakerProcessingJob",
            &["iam:PassRole", "sagemaker:CreateProcessingJob"],
        ),
        (
            "CreateAndRotateAccessKey",
            &["iam:CreateAccessKey", "iam:DeleteAccessKey"],
        ),
        (
            "AttachUserPolicyThenCreateAccessKey",
            &["iam:AttachUserPolicy", "iam:CreateAccessKey"],
        ),
        (
            "CreatePolicyVersionThenAssumeRole",
            &["iam:CreatePolicyVersion", "sts:AssumeRole"],
        ),
        (
            "PutUserPolicyThenCreateAccessKey",
            &["iam:PutUserPolicy", "iam:CreateAccessKey"],
        ),
        (
            "AttachRolePolicyThenUpdateAssumeRolePolicy",
            &["iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"],
        ),
        (
            "CreatePolicyVersionThenUpdateAssumeRolePolicy",
            &["iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy"],
        ),
        (
            "PutRolePolicyThenUpdateAssumeRolePolicy",
            &["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"],
        ),
    ];

    /// Each Cloudsplaining method maps to exactly one entry, and a principal holding exactly its
    /// actions is flagged by that entry, except for the definitions listed in [`NOT_ADOPTED`],
    /// which are listed here too so that the departure stays deliberate.
    #[test]
    fn cloudsplaining_catalogue_is_covered() {
        let not_adopted: Vec<&str> = NOT_ADOPTED.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            not_adopted,
            vec![
                "PassExistingRoleToNewSageMakerNotebookInstance",
                "PassExistingRoleToNewDataPipeline"
            ]
        );
        for (name, actions) in CLOUDSPLAINING {
            let claims: Vec<&str> = METHODS
                .iter()
                .filter(|m| m.cloudsplaining.contains(name))
                .map(|m| m.name)
                .collect();
            assert_eq!(claims.len(), 1, "{name} is claimed by {claims:?}");
            let flagged = hit_names(&stmts(json!({"Statement": [allow(actions)]})));
            if not_adopted.contains(name) {
                assert!(
                    !flagged.contains(&claims[0]),
                    "{name} is listed as not adopted, yet its actions alone are flagged"
                );
            } else {
                assert!(
                    flagged.contains(&claims[0]),
                    "{name} ({actions:?}) should be flagged as {}; got {flagged:?}",
                    claims[0]
                );
            }
        }
        for m in METHODS {
            for name in m.cloudsplaining {
                assert!(
                    CLOUDSPLAINING.iter().any(|(n, _)| n == name),
                    "{} claims {name}, which Cloudsplaining does not list",
                    m.name
                );
            }
        }
        for name in &not_adopted {
            assert!(CLOUDSPLAINING.iter().any(|(n, _)| n == name), "{name}");
        }
    }

    #[test]
    fn passed_to_service_closes_methods_for_other_services() {
        let compute = [
            "ec2:RunInstances",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ];
        let with = |condition: serde_json::Value| {
            hit_names(&stmts(json!({"Statement": [
                allow(&compute),
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app-*",
                 "Condition": condition}]})))
        };
        let lambda_only =
            with(json!({"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}));
        assert!(lambda_only.contains(&"PassExistingRoleToNewLambdaThenInvoke"));
        assert!(!lambda_only.contains(&"CreateEC2WithExistingInstanceProfile"));
        let like = with(json!({"StringLike": {"iam:PassedToService": ["ec2.*"]}}));
        assert!(like.contains(&"CreateEC2WithExistingInstanceProfile"));
        assert!(!like.contains(&"PassExistingRoleToNewLambdaThenInvoke"));
        let not_ec2 =
            with(json!({"StringNotEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}));
        assert!(!not_ec2.contains(&"CreateEC2WithExistingInstanceProfile"));
        assert!(not_ec2.contains(&"PassExistingRoleToNewLambdaThenInvoke"));
        let hits = escalation_methods(&stmts(json!({"Statement": [
            allow(&compute),
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
             "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}]})));
        assert_eq!(
            hits[0].access,
            Access::Conditional,
            "a matching condition stays conditional"
        );
    }

    #[test]
    fn a_step_must_reach_a_resource_of_the_right_kind() {
        let names = |resource: &str| {
            hit_names(&stmts(json!({"Statement": [
                allow(&["ec2:RunInstances"]),
                {"Effect": "Allow", "Action": ["iam:PassRole", "iam:CreatePolicyVersion"], "Resource": resource}]})))
        };
        assert!(
            names("arn:aws:s3:::*").is_empty(),
            "a bucket is no role or policy"
        );
        assert_eq!(
            names("arn:aws:iam::123456789012:role/app-*"),
            vec!["CreateEC2WithExistingInstanceProfile"]
        );
        assert_eq!(
            names("arn:aws:iam::123456789012:policy/team-*"),
            vec!["CreateNewPolicyVersion"]
        );
        let scoped = escalation_methods(&stmts(json!({"Statement": [
            allow(&["ec2:RunInstances"]),
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app-*"}]})));
        assert_eq!(scoped[0].access, Access::Scoped);
    }

    #[test]
    fn a_boundary_without_a_step_closes_the_method() {
        let identity = stmts(
            json!({"Statement": [allow(&["iam:PassRole", "ec2:RunInstances", "iam:CreateAccessKey"])]}),
        );
        let boundary = stmts(json!({"Statement": [allow(&["ec2:*", "iam:CreateAccessKey"])]}));
        let hits = escalation_methods_for(&Permissions::new(&identity, Some(&boundary)));
        let names: Vec<&str> = hits.iter().map(|h| h.method.name).collect();
        assert_eq!(names, vec!["CreateAccessKey"]);
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

    /// The catalogue judged as before any shortcut: per method, per step, `may_allow` asked
    /// afresh and a grant built for every alternative.
    fn plain_hits(index: &Permissions<&Statement>) -> Vec<MethodHit> {
        METHODS
            .iter()
            .filter_map(|method| {
                let screened = method
                    .steps
                    .iter()
                    .all(|step| step.any_of.iter().any(|a| index.may_allow(a)));
                let grants = method
                    .steps
                    .iter()
                    .map(|step| best_grant(index, method, step, step.any_of.iter().copied()))
                    .collect::<Option<Vec<Grant>>>()?;
                screened.then(|| hit(method, grants)).flatten()
            })
            .collect()
    }

    /// Remembering `may_allow` across methods, screening every step before building grants and
    /// skipping alternatives no statement allows answer as the plain judgement does: principals
    /// without PassRole, with it only for Lambda, with PassRole but not the other step, with
    /// one alternative of a step or both at different breadths, and with a Deny on PassRole.
    #[test]
    fn shortcuts_answer_as_the_plain_judgement() {
        let docs = [
            json!({"Statement": [allow(&["iam:CreateAccessKey", "lambda:CreateFunction"])]}),
            json!({"Statement": [
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                 "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}},
                allow(&["lambda:*", "ec2:RunInstances", "glue:CreateDevEndpoint"])]}),
            json!({"Statement": [allow(&["iam:PassRole", "s3:GetObject"])]}),
            json!({"Statement": [allow(&["iam:PassRole", "ec2:RequestSpotInstances"])]}),
            json!({"Statement": [allow(&["iam:PassRole", "ec2:RequestSpotInstances"]),
                {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}),
            json!({"Statement": [allow(&["iam:*", "ec2:Run*"])]}),
            json!({"Statement": [allow(&["*"]),
                {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}]}),
        ];
        let numbers = action_numbers();
        let seen = |hits: &[MethodHit]| -> Vec<_> {
            hits.iter()
                .map(|h| {
                    let grants: Vec<_> = h
                        .grants
                        .iter()
                        .map(|g| (g.action.clone(), g.access, g.allowed_by.clone()))
                        .collect();
                    (h.method.name, h.access, grants)
                })
                .collect()
        };
        for doc in docs {
            let s = stmts(doc);
            let refs: Vec<&Statement> = s.iter().collect();
            let index = Permissions::new(refs.as_slice(), None);
            let shared = escalation_methods_for(&index);
            assert_eq!(seen(&shared), seen(&plain_hits(&index)));
            // The batch answers as asking each action on its own would.
            let one_by_one: Vec<bool> = numbers
                .set
                .actions()
                .iter()
                .map(|a| index.may_allow(a))
                .collect();
            assert_eq!(index.may_allow_each(&numbers.set), one_by_one);
            let fresh: Vec<MethodHit> = METHODS
                .iter()
                .zip(&numbers.by_step)
                .filter_map(|(m, steps)| method_hit(&index, m, steps, &one_by_one))
                .collect();
            assert_eq!(seen(&shared), seen(&fresh));
        }
        // The numbers name the actions they stand for, each distinct action once.
        let distinct = numbers.set.len();
        let mut names: Vec<Option<&str>> = vec![None; distinct];
        for (m, steps) in METHODS.iter().zip(&numbers.by_step) {
            for (step, ns) in m.steps.iter().zip(steps) {
                for (a, &n) in step.any_of.iter().zip(ns) {
                    assert_eq!(*names[n].get_or_insert(a), *a);
                    assert_eq!(numbers.set.actions()[n], *a);
                }
            }
        }
        let mut names: Vec<&str> = names.into_iter().flatten().collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!((count, names.len()), (distinct, distinct));
    }
}
