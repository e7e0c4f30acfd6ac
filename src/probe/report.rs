//! Reports of a run for people and CI systems: the run as JSON, and JUnit XML (one test case per step) so a
//! pipeline's test view shows which probe failed and why.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::probe::result::{AssertionResult, Outcome, ProbeRun};

pub fn json(run: &ProbeRun) -> String {
    serde_json::to_string_pretty(run).expect("a run serializes") + "\n"
}

pub fn junit(run: &ProbeRun) -> String {
    let mut report = Report::new(format!("golive probes {}", run.launch_id));
    let mut suite = TestSuite::new(format!("{} ({})", run.pack_id, run.environment));
    suite.set_timestamp(
        chrono::DateTime::parse_from_rfc3339(&run.started_at)
            .unwrap_or_else(|_| chrono::Utc::now().fixed_offset()),
    );
    suite.set_time(Duration::from_millis(run.duration_ms));
    for step in &run.steps {
        let message = step.reason.clone().unwrap_or_default();
        let mut status = match step.outcome {
            Outcome::Pass => TestCaseStatus::success(),
            Outcome::Fail => TestCaseStatus::non_success(NonSuccessKind::Failure),
            Outcome::Error => TestCaseStatus::non_success(NonSuccessKind::Error),
            Outcome::Skipped => TestCaseStatus::skipped(),
        };
        if step.outcome != Outcome::Pass {
            status.set_message(message.clone());
            let detail: Vec<String> = step
                .assertions
                .iter()
                .filter(|a| a.outcome != Outcome::Pass)
                .map(|a| {
                    format!(
                        "{}: expected {}, got {} — {}",
                        a.check, a.expected, a.actual, a.message
                    )
                })
                .collect();
            if !detail.is_empty() {
                status.set_description(detail.join("\n"));
            }
        }
        let mut case = TestCase::new(format!("{}: {}", step.step_id, step.title), status);
        case.set_classname(format!("{}.{}", run.pack_id, step.kind));
        case.set_time(Duration::from_millis(step.duration_ms));
        // Advisory checks that did not hold are not failures: a pipeline shows them as the case's output and a
        // `warnings` property, and the case keeps its own status.
        if !step.warnings.is_empty() {
            case.add_property(("warnings", step.warnings.len().to_string().as_str()));
            case.set_system_out(warning_lines(&step.warnings));
        }
        suite.add_test_case(case);
    }
    // An incomplete run passed nothing it had to: the pipeline's test view says so, not only the exit code.
    if let Some(why) = &run.incomplete {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message(why.clone());
        let mut case = TestCase::new("run-complete: every step that had to run ran", status);
        case.set_classname(format!("{}.run", run.pack_id));
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    report.to_string().unwrap_or_default()
}

/// One line per advisory check that did not hold: "warning: CHECK: MESSAGE".
pub fn warning_lines(warnings: &[AssertionResult]) -> String {
    warnings
        .iter()
        .map(|w| format!("warning: {}: {}\n", w.check, w.message))
        .collect()
}
