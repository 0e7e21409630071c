use anchor_lang::prelude::*;

/// Every error of the tasks program. Append only: codes (6000 + index) are part of the interface.
#[error_code]
pub enum TasksError {
    #[msg("the protocol is paused")]
    ProtocolPaused,
    #[msg("redundancy must be within 1 ..= 5 and backups within 0 ..= 5")]
    InvalidRedundancy,
    #[msg("deadlines must satisfy now < bid window end < commit deadline < reveal deadline, within bounds")]
    InvalidDeadlines,
    #[msg("payment must be greater than zero")]
    ZeroPayment,
    #[msg("latitude must be within ±90° and longitude within ±180° (micro-degrees)")]
    LocationOutOfRange,
    #[msg("the task is not open for bids")]
    TaskNotOpen,
    #[msg("the bid window has closed")]
    BidWindowClosed,
    #[msg("the bid window is still open")]
    BidWindowOpen,
    #[msg("the node is not active")]
    NodeNotActive,
    #[msg("the node is not an executor")]
    NotExecutor,
    #[msg("the node is jailed")]
    NodeJailed,
    #[msg("signer is not the node's key")]
    NotNodeKey,
    #[msg("signer is not the task's consumer")]
    NotConsumer,
    #[msg("wrong token mint: LMR expected")]
    WrongMint,
    #[msg("the token account does not belong to the consumer")]
    WrongTokenOwner,
    #[msg("the assignee accounts must be the ranked nodes, in rank order")]
    WrongAssignees,
    #[msg("arithmetic overflow")]
    MathOverflow,
    #[msg("task invariant violated")]
    TaskInvariant,
    #[msg("the node is not an assignee of this task")]
    NotAssignee,
    #[msg("the commit deadline has passed")]
    CommitDeadlinePassed,
    #[msg("reveals open once every assignee committed or the commit deadline passed")]
    RevealNotOpen,
    #[msg("the reveal deadline has passed")]
    RevealDeadlinePassed,
    #[msg("the result was already revealed")]
    AlreadyRevealed,
    #[msg("locator or sealed key too long")]
    RevealTooLarge,
    #[msg("the task is not in its commit/reveal phase")]
    TaskNotAssigned,
    #[msg("settlement waits for every reveal or the reveal deadline")]
    RevealsPending,
    #[msg("the result accounts must be the assignees' results, in rank order")]
    WrongResults,
    #[msg("a task with redundancy 1 is settled by its consumer's acceptance")]
    ConsumerMustSettle,
    #[msg("the task is not settled, or this assignee was already processed")]
    NotSettleable,
    #[msg("the payee must be the node operator's LMR account")]
    WrongPayee,
    #[msg("an assignee can be expired only after the commit deadline, and only if it never committed")]
    NotExpirable,
    #[msg("the promoted backup must be the first backup")]
    WrongBackup,
    #[msg("the task can be closed once settled (every assignee processed), failed or cancelled")]
    NotClosable,
    #[msg(
        "a bid or result record can be closed once its task is past bidding and, for an assignee, settled"
    )]
    RecordInUse,
    #[msg("only the node key that paid for the record can close it")]
    NotRecordOwner,
    #[msg("rank must name an assignee of the task (0 ..= assigned count - 1)")]
    InvalidRank,
    #[msg("max_bytes must be within 1 ..= 2^40")]
    InvalidMaxBytes,
    #[msg("byte_count must be within 1 ..= the task's max_bytes")]
    ByteCountOutOfRange,
    #[msg("the released key does not hash to the key hash in the commitment")]
    WrongKey,
    #[msg("the key can be released only by an agreeing assignee of a settled task, once, before the key deadline")]
    KeyNotReleasable,
    #[msg("an agreeing assignee is paid once it released its key (or penalised after the key deadline)")]
    KeyNotReleased,
    #[msg("a silent assignee must be replaced from the backups first (expire_and_reassign)")]
    BackupsPending,
    #[msg("this account already exists")]
    AlreadyExists,
    #[msg("only the task's assignees and backups can commit, backups only before any reveal")]
    NotCommitEligible,
    #[msg("the bid would not enter the kept list (r + backups, all outranking it): nothing is created")]
    BidCannotRank,
}
