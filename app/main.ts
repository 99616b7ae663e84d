/** Entry of the web app: the shell and every step's element. */
import './shell/hypnograd-app.ts';
import './steps/data-step.ts';
import './steps/raw-step.ts';
import './steps/preprocess-step.ts';
import './steps/epochs-step.ts';
import './steps/split-step.ts';
import './steps/model-step.ts';
import './steps/training/training-step.ts';
import './steps/evaluation/evaluation-step.ts';
import './steps/internals/internals-step.ts';
import './steps/experiments/experiments-step.ts';
