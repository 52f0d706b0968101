"""Views for scripts/run: a project's live updates (SSE on stdin) as a timeline, a project
(JSON on stdin) in a few lines, a generation's live updates as a progress log, and a workflow
job (JSON on stdin) as its steps, history and result."""
import json
import sys


def timeline():
    event = None
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.startswith("event: "):
            event = line[len("event: "):]
        elif line.startswith("data: "):
            data = json.loads(line[len("data: "):])
            if event == "status":
                print(f"  {data['at']}  project  {data['status']}")
            else:
                progress = data.get("progress") or 0
                print(f"  {data['at']}  build    #{data['sequence']} {data['kind']:<9} {progress:>3}%  {data.get('message') or ''}")
            sys.stdout.flush()


def generation():
    for line in sys.stdin:
        if line.startswith("data: "):
            data = json.loads(line[len("data: "):])
            print(f"  {data['at']}  {data['status']:<9} {data['progress_percent']:>3}%  {data.get('progress_message') or ''}")
            sys.stdout.flush()


def project():
    p = json.load(sys.stdin)
    plan = p["plan"]
    stack = plan["techStack"]
    print(f"  {p['name']}: {p['status']}; {len(p['requirements'])} requirements, {len(plan['features'])} features, "
          f"stack {' + '.join(stack['frontend'] + stack['backend'])}, {stack['database']}; build {p['build_id']}")
    for requirement in p["requirements"]:
        print(f"  - {requirement}")


def job():
    j = json.load(sys.stdin)
    print(f"  job {j['job_id']}: {j['status']} (workflow {j['workflow_id']} version {j['workflow_version']}, {j['retry_count']} retries)")
    for step in j["steps"]:
        output = json.dumps(step["output"])
        print(f"  step {step['step_id']:<10} {step['transformer_id']:<18} {step['status']:<10} attempt {step['attempts']}  "
              f"output {output[:90]}{'...' if len(output) > 90 else ''}")
    for entry in j["state_history"]:
        print(f"  {entry['at']}  {entry['status']:<14} {entry.get('step_id') or ''}")
    print(f"  final_result: {json.dumps(j['final_result'])}")


def execution():
    e = json.load(sys.stdin)
    print(f"  execution {e['id']}: {e['status']} (event {e['event_type']} {e['event_id']}, job {e['job_id']})")
    for condition in e["matched"]:
        print(f"  held: {condition['path']} {condition['op']} {json.dumps(condition.get('value'))}  (was {json.dumps(condition.get('actual'))})")
    for entry in e["execution_log"]:
        print(f"  {entry['at']}  {entry['status']:<14} {entry.get('step_id') or '':<8} {entry['message'][:90]}")


if __name__ == "__main__":
    {"timeline": timeline, "project": project, "generation": generation, "job": job, "execution": execution}[sys.argv[1]]()
