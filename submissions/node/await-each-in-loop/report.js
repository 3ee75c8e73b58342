'use strict';
// Jobs report with node's http module: list, then each job's detail, then the summary.
const http = require('node:http');

const API = process.env.JOBS_API_URL;

function getJSON(path) {
  return new Promise((resolve, reject) => {
    const req = http.get(API + path, { timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(new Error(`HTTP ${res.statusCode}`));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(new Error(`bad JSON: ${e.message}`));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 1 s')));
    req.on('error', reject);
  });
}

async function run() {
  let jobs;
  try {
    jobs = await getJSON('/jobs');
  } catch (err) {
    console.error(`could not load /jobs: ${err.message}`);
    return 1;
  }
  const completed = [];
  const failed_ids = [];
  for (const job of jobs) {
    try {
      const d = await getJSON(`/jobs/${job.id}`);
      if (String(d.status).trim().toLowerCase() === 'completed') {
        completed.push({ id: d.id, name: d.name, owner: d.owner, duration_ms: d.duration_ms });
      }
    } catch (err) {
      console.error(`job ${job.id}: ${err.message}`);
      failed_ids.push(job.id);
    }
  }
  completed.sort((a, b) => a.id - b.id);
  failed_ids.sort((a, b) => a - b);
  const total_duration_ms = completed.reduce((acc, j) => acc + j.duration_ms, 0);
  process.stdout.write(JSON.stringify({ completed, failed_ids, total_jobs: jobs.length, total_duration_ms }) + '\n');
  return 0;
}

run().then((code) => { process.exitCode = code; });
