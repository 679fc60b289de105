import { reviewCommand } from '../../cli/review-command.js';

export default reviewCommand('APPROVE', "Approve a submission's current head.");
